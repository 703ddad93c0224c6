package adminconfig_test

import (
	"bytes"
	"context"
	"fmt"
	"runtime"
	"testing"
	"time"

	"github.com/xuri/excelize/v2"

	"quizbank/functions/adminconfig"
	"quizbank/shared/excel"
	"quizbank/shared/testkit"
)

// generatedWorkbook has n questions over 20 subjects, all five types.
func generatedWorkbook(b testing.TB, n int) []byte {
	b.Helper()
	f := excelize.NewFile()
	defer f.Close()
	_ = f.SetSheetName("Sheet1", excel.SheetName)
	sw, err := f.NewStreamWriter(excel.SheetName)
	if err != nil {
		b.Fatal(err)
	}
	_ = sw.SetRow("A1", header)
	for i := 0; i < n; i++ {
		subject := fmt.Sprintf("科目%02d", i%20)
		var row []any
		switch i % 5 {
		case 0:
			row = []any{subject, "选择题", fmt.Sprintf("第%d题：下列哪一项正确？", i), "选项一", "选项二", "选项三", "选项四", "", "C", "", "", "解析文字"}
		case 1:
			row = []any{subject, "多选题", fmt.Sprintf("第%d题：下列哪些正确？", i), "甲", "乙", "丙", "丁", "戊", "ABD", "", "", ""}
		case 2:
			row = []any{subject, "判断题", fmt.Sprintf("第%d题：这句话是对的。", i), "", "", "", "", "", "正确", "", "", ""}
		case 3:
			row = []any{subject, "填空题", fmt.Sprintf("第%d题：__ 和 __。", i), "", "", "", "", "", "", "甲;一", "乙", ""}
		default:
			row = []any{subject, "问答题", fmt.Sprintf("第%d题：简述原理。", i), "", "", "", "", "", "参考答案", "", "", ""}
		}
		cell, _ := excelize.CoordinatesToCellName(1, i+2)
		if err := sw.SetRow(cell, row); err != nil {
			b.Fatal(err)
		}
	}
	if err := sw.Flush(); err != nil {
		b.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := f.WriteTo(&buf); err != nil {
		b.Fatal(err)
	}
	return buf.Bytes()
}

// BenchmarkImport10k imports a 10,000-question workbook into an empty
// database (target: under 2 s per import).
func BenchmarkImport10k(b *testing.B) {
	data := generatedWorkbook(b, 10000)
	b.SetBytes(int64(len(data)))
	var peak uint64
	for b.Loop() {
		b.StopTimer()
		env := testkit.New(b)
		runtime.GC()
		stop := samplePeakHeap(&peak)
		b.StartTimer()
		res, err := adminconfig.ImportWorkbook(context.Background(), env.Deps, data, adminconfig.ImportOptions{})
		b.StopTimer()
		stop()
		b.StartTimer()
		if err != nil || res.Imported != 10000 {
			b.Fatalf("imported %v: %v", res, err)
		}
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
}

// samplePeakHeap records the largest live heap seen until stop is called.
func samplePeakHeap(peak *uint64) (stop func()) {
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var m runtime.MemStats
		for {
			runtime.ReadMemStats(&m)
			if m.HeapInuse > *peak {
				*peak = m.HeapInuse
			}
			select {
			case <-done:
				return
			case <-time.After(10 * time.Millisecond):
			}
		}
	}()
	return func() { close(done); <-finished }
}
