package main

import "testing"

func TestEmailBaseURL(t *testing.T) {
	cases := []struct {
		addr, baseURL, want string
	}{
		{"localhost:8443", "", "https://localhost:8443"},
		{":8443", "", "https://localhost:8443"},
		{"[::1]:9443", "", "https://[::1]:9443"},
		{"localhost:8443", "https://crm.example.com/", "https://crm.example.com"},
		{"localhost:8443", "https://example.com/crm", "https://example.com/crm"},
	}
	for _, tc := range cases {
		got, err := emailBaseURL(&config{Addr: tc.addr, BaseURL: tc.baseURL})
		if err != nil || got != tc.want {
			t.Errorf("emailBaseURL(addr %q, base %q) = %q, %v; want %q", tc.addr, tc.baseURL, got, err, tc.want)
		}
	}
	for _, bad := range []string{"crm.example.com", "ftp://crm.example.com", "https://crm.example.com/?a=1", "https://"} {
		if got, err := emailBaseURL(&config{Addr: "localhost:8443", BaseURL: bad}); err == nil {
			t.Errorf("emailBaseURL(base %q) = %q, want an error", bad, got)
		}
	}
}
