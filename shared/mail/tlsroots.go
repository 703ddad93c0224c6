package mail

import "crypto/x509"

var tlsRoots *x509.CertPool

// SetTLSRoots makes SMTP connections trust pool instead of the system
// roots (a private CA, or a test server's certificate). nil restores the
// system roots.
func SetTLSRoots(pool *x509.CertPool) { tlsRoots = pool }
