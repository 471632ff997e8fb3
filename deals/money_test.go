package deals

import (
	"strings"
	"testing"
)

func TestMinorDigits(t *testing.T) {
	for _, tc := range []struct {
		code string
		want int
	}{{"JPY", 0}, {"EUR", 2}, {"USD", 2}, {"BHD", 3}, {"KWD", 3}, {"CHF", 2}} {
		if got := MinorDigits(tc.code); got != tc.want {
			t.Errorf("MinorDigits(%s) = %d, want %d", tc.code, got, tc.want)
		}
	}
}

func TestParseCurrency(t *testing.T) {
	for _, tc := range []struct {
		in, want string
		ok       bool
	}{
		{"EUR", "EUR", true},
		{" usd ", "USD", true},
		{"jpy", "JPY", true},
		{"BHD", "BHD", true},
		{"DEM", "", false}, // replaced by the euro in 2002
		{"XXX", "", false},
		{"XAU", "", false},
		{"EURO", "", false},
		{"", "", false},
		{"E", "", false},
		{"<b>", "", false},
	} {
		got, err := ParseCurrency(tc.in)
		if (err == nil) != tc.ok || got != tc.want {
			t.Errorf("ParseCurrency(%q) = %q, %v; want %q, ok %v", tc.in, got, err, tc.want, tc.ok)
		}
	}
}

func TestParseAmount(t *testing.T) {
	for _, tc := range []struct {
		in, code string
		want     int64
	}{
		{"", "EUR", 0},
		{"0", "EUR", 0},
		{"1234.50", "EUR", 123450},
		{"1,234.50", "EUR", 123450},
		{"1,234.5", "EUR", 123450},
		{" 12 ", "EUR", 1200},
		{"1,234,567", "EUR", 123456700},
		{"007", "EUR", 700},
		{"1,234", "JPY", 1234},
		{"1234", "JPY", 1234},
		{"1.234", "BHD", 1234},
		{"1,000.5", "BHD", 1000500},
		{"999,999,999,999.99", "EUR", MaxAmount},
		{"99,999,999,999,999", "JPY", MaxAmount},
	} {
		got, err := ParseAmount(tc.in, tc.code)
		if err != nil || got != tc.want {
			t.Errorf("ParseAmount(%q, %s) = %d, %v; want %d", tc.in, tc.code, got, err, tc.want)
		}
	}
}

func TestParseAmountRejects(t *testing.T) {
	for _, tc := range []struct {
		in, code, want string
	}{
		{"1e9", "EUR", "not a number"},
		{"-", "EUR", "not a number"},
		{"-5", "EUR", "not a number"},
		{"+5", "EUR", "not a number"},
		{"NaN", "EUR", "not a number"},
		{"Inf", "EUR", "not a number"},
		{"0x10", "EUR", "not a number"},
		{"12,34", "EUR", "not a number"},
		{"1,2345", "EUR", "not a number"},
		{",123", "EUR", "not a number"},
		{"1 234", "EUR", "not a number"},
		{"1.", "EUR", "digits after the dot"},
		{"1.234", "EUR", "digits after the dot"},
		{"1.5", "JPY", "has no minor unit"},
		{"1.2345", "BHD", "digits after the dot"},
		{"1000000000000.00", "EUR", "too large"},
		{"100,000,000,000,000", "JPY", "too large"},
		{"99999999999999999999999999", "EUR", "too large"},
		{"9223372036854775807", "JPY", "too large"},
		{"92233720368547758.08", "EUR", "too large"},
	} {
		got, err := ParseAmount(tc.in, tc.code)
		if err == nil {
			t.Errorf("ParseAmount(%q, %s) = %d, want an error", tc.in, tc.code, got)
			continue
		}
		if !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseAmount(%q, %s) error %q, want it to contain %q", tc.in, tc.code, err, tc.want)
		}
	}
}

func TestFormatAmount(t *testing.T) {
	for _, tc := range []struct {
		minor      int64
		code, want string
		plain      string
	}{
		{0, "EUR", "0.00", "0.00"},
		{5, "EUR", "0.05", "0.05"},
		{123450, "EUR", "1,234.50", "1234.50"},
		{1234, "JPY", "1,234", "1234"},
		{999, "JPY", "999", "999"},
		{1234, "BHD", "1.234", "1.234"},
		{1000500, "BHD", "1,000.500", "1000.500"},
		{MaxAmount, "EUR", "999,999,999,999.99", "999999999999.99"},
		{-123450, "EUR", "-1,234.50", "-1234.50"},
	} {
		if got := FormatAmount(tc.minor, tc.code); got != tc.want {
			t.Errorf("FormatAmount(%d, %s) = %q, want %q", tc.minor, tc.code, got, tc.want)
		}
		if got := PlainAmount(tc.minor, tc.code); got != tc.plain {
			t.Errorf("PlainAmount(%d, %s) = %q, want %q", tc.minor, tc.code, got, tc.plain)
		}
	}
}

func TestAmountRoundTrip(t *testing.T) {
	for _, code := range []string{"EUR", "JPY", "BHD"} {
		for _, minor := range []int64{0, 1, 99, 100, 123456789, MaxAmount} {
			got, err := ParseAmount(FormatAmount(minor, code), code)
			if err != nil || got != minor {
				t.Errorf("%s: ParseAmount(FormatAmount(%d)) = %d, %v; want %d", code, minor, got, err, minor)
			}
		}
	}
}

func TestCurrenciesListsActiveCodes(t *testing.T) {
	list := Currencies()
	have := map[string]bool{}
	for _, c := range list {
		have[c] = true
	}
	for _, c := range []string{"EUR", "USD", "JPY", "BHD", "GBP", "CHF"} {
		if !have[c] {
			t.Errorf("Currencies() lacks %s", c)
		}
	}
	for _, c := range []string{"DEM", "XXX", "XAU", "FRF"} {
		if have[c] {
			t.Errorf("Currencies() lists %s, which is not in use", c)
		}
	}
}
