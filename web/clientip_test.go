package web

import (
	"net/http/httptest"
	"testing"
)

func TestClientIP(t *testing.T) {
	proxies, err := ParseTrustedProxies("10.0.0.0/8, 192.0.2.7")
	if err != nil {
		t.Fatal(err)
	}
	s := &Server{TrustedProxies: proxies}
	cases := []struct {
		name, peer, forwardedFor, proto string
		wantIP                          string
		wantHTTPS                       bool
	}{
		{"direct client", "203.0.113.5:4000", "", "", "203.0.113.5", false},
		{"forged header from untrusted peer", "203.0.113.5:4000", "198.51.100.1", "https", "203.0.113.5", false},
		{"trusted proxy", "10.1.2.3:4000", "198.51.100.1", "https", "198.51.100.1", true},
		{"client prepends a forged hop", "10.1.2.3:4000", "1.2.3.4, 198.51.100.1", "https", "198.51.100.1", true},
		{"chain of trusted proxies", "192.0.2.7:4000", "198.51.100.1, 10.9.9.9", "http", "198.51.100.1", false},
		{"garbage header", "10.1.2.3:4000", "not-an-ip", "", "10.1.2.3", false},
		{"IPv6 peer", "[2001:db8::1]:4000", "198.51.100.1", "", "2001:db8::1", false},
	}
	for _, tc := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = tc.peer
		if tc.forwardedFor != "" {
			r.Header.Set("X-Forwarded-For", tc.forwardedFor)
		}
		if tc.proto != "" {
			r.Header.Set("X-Forwarded-Proto", tc.proto)
		}
		if got := s.clientIP(r); got != tc.wantIP {
			t.Errorf("%s: clientIP = %s, want %s", tc.name, got, tc.wantIP)
		}
		if got := s.isHTTPS(r); got != tc.wantHTTPS {
			t.Errorf("%s: isHTTPS = %v, want %v", tc.name, got, tc.wantHTTPS)
		}
	}
	if _, err := ParseTrustedProxies("10.0.0.0/33"); err == nil {
		t.Error("ParseTrustedProxies accepted an invalid range")
	}
}
