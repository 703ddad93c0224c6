package auth

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"

	"quizbank/shared/httpx"
	"quizbank/shared/wechat"
)

// envVersion is the mini-program build a QR code opens: the developer
// build when the server runs with DEBUG, else the released one.
func (h *handlers) envVersion() string {
	if h.d.Config.Debug {
		return "develop"
	}
	return "release"
}

// qrImage asks WeChat for a mini-program code and saves it as
// UPLOAD_DIR/<dir>/<dir>_<sid>.png; it returns the public URL and the
// page WeChat accepted.
func (h *handlers) qrImage(ctx context.Context, dir, sid, scene, page string) (string, wechat.QRCode, error) {
	qr, err := h.wx.UnlimitedQRCode(ctx, wechat.QRRequest{Scene: scene, Page: page, EnvVersion: h.envVersion()})
	if err != nil {
		return "", qr, err
	}
	folder := filepath.Join(h.d.Config.UploadDir, dir)
	if err := os.MkdirAll(folder, 0o755); err != nil {
		return "", qr, fmt.Errorf("create %s: %w", folder, err)
	}
	name := dir + "_" + sid + ".png"
	if err := os.WriteFile(filepath.Join(folder, name), qr.PNG, 0o644); err != nil {
		return "", qr, fmt.Errorf("save QR code: %w", err)
	}
	return "/uploads/" + dir + "/" + name, qr, nil
}

// qrFailure explains why no QR code could be made, naming the cause but
// no internals (no URL, token or secret). The original answers 500 for
// all of these; we say what kind of failure it is: 503 while WeChat is
// not configured on this server, 502 when WeChat refused or could not be
// reached. The envelope is the contract's.
func qrFailure(err error) error {
	var apiErr *wechat.APIError
	switch {
	case errors.As(err, &apiErr):
		return httpx.Errorf(http.StatusBadGateway, "生成小程序码失败: %s", apiErr.Error())
	case errors.Is(err, wechat.ErrConfig):
		return httpx.Errorf(http.StatusServiceUnavailable, "%s", wechat.ErrConfig.Error())
	case errors.Is(err, wechat.ErrNetwork):
		return httpx.Errorf(http.StatusBadGateway, "生成小程序码失败: %s", wechat.ErrNetwork.Error())
	}
	return err
}
