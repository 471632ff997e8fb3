package deals

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"golang.org/x/text/currency"
)

// MaxAmount is the largest deal amount in minor units (a little under one
// trillion euros at two digits). It keeps the per-stage totals far from the
// int64 limit: a total overflows only past about 92,000 deals of this size
// in one stage and currency, and the database then reports an error rather
// than a wrong sum.
const MaxAmount int64 = 99_999_999_999_999

// DefaultCurrency is preselected on the new-deal form.
// NOTE: a workspace has no currency setting yet, so this is fixed.
const DefaultCurrency = "USD"

// activeCurrencies holds the ISO 4217 codes that CLDR, as bundled with
// golang.org/x/text, lists as legal tender in some region today. Historic
// codes (DEM, FRF), funds and metals (XAU) and the test code XXX are absent.
var activeCurrencies = func() map[string]bool {
	m := map[string]bool{}
	for it := currency.Query(); it.Next(); {
		m[it.Unit().String()] = true
	}
	delete(m, "XXX")
	return m
}()

// Currencies returns the active currency codes in alphabetical order.
func Currencies() []string {
	codes := make([]string, 0, len(activeCurrencies))
	for c := range activeCurrencies {
		codes = append(codes, c)
	}
	slices.Sort(codes)
	return codes
}

// ParseCurrency returns the upper-case ISO 4217 code of s when it names a
// currency in use today, and an error naming the fix otherwise.
func ParseCurrency(s string) (string, error) {
	s = strings.TrimSpace(s)
	unit, err := currency.ParseISO(s)
	code := unit.String()
	if err != nil || !activeCurrencies[code] {
		return "", fmt.Errorf("deals: currency %q is not an ISO 4217 code in use; choose one such as USD, EUR or JPY", s)
	}
	return code, nil
}

// MinorDigits returns the number of decimals of code's minor unit in CLDR's
// standard rounding: 2 for EUR, 0 for JPY, 3 for BHD. code must be a code
// that ParseCurrency accepted.
// NOTE: CLDR differs from ISO 4217 for a few codes (CLDR gives IQD 0
// digits, ISO 3); amounts follow CLDR.
func MinorDigits(code string) int {
	unit, err := currency.ParseISO(code)
	if err != nil {
		return 2
	}
	scale, _ := currency.Standard.Rounding(unit)
	return scale
}

// ParseAmount parses a non-negative decimal amount written in code's major
// unit, such as "1,234.50" or "1234.5" for EUR, into minor units (123450).
// Commas may group thousands; the only decimal separator is a dot, with at
// most MinorDigits(code) digits after it. Signs, exponents, NaN, infinities
// and amounts above MaxAmount are rejected.
func ParseAmount(input, code string) (int64, error) {
	s := strings.TrimSpace(input)
	digits := MinorDigits(code)
	if s == "" {
		return 0, nil
	}
	whole, frac, hasDot := strings.Cut(s, ".")
	if hasDot && digits == 0 {
		return 0, fmt.Errorf("deals: amount %q has decimals, but %s has no minor unit; enter a whole number", input, code)
	}
	if hasDot && (len(frac) == 0 || len(frac) > digits) {
		return 0, fmt.Errorf("deals: amount %q needs 1 to %d digits after the dot for %s", input, digits, code)
	}
	whole, err := ungroup(whole)
	if err != nil {
		return 0, fmt.Errorf("deals: amount %q is not a number; write it like 1,234.50 with digits only", input)
	}
	if !allDigits(frac) {
		return 0, fmt.Errorf("deals: amount %q is not a number; write it like 1,234.50 with digits only", input)
	}
	frac += strings.Repeat("0", digits-len(frac))
	whole = strings.TrimLeft(whole, "0")
	// Eighteen digits fit in an int64, so a longer number is too large
	// before any arithmetic runs.
	if len(whole)+len(frac) > 18 {
		return 0, amountTooLarge(input, code)
	}
	minor, err := strconv.ParseInt("0"+whole+frac, 10, 64)
	if err != nil || minor > MaxAmount {
		return 0, amountTooLarge(input, code)
	}
	return minor, nil
}

func amountTooLarge(input, code string) error {
	return fmt.Errorf("deals: amount %q is too large; enter at most %s", input, FormatAmount(MaxAmount, code))
}

// ungroup removes thousands separators from s. Commas must split s into a
// group of one to three digits followed by groups of exactly three, as in
// "1,234,567"; anything else is an error.
func ungroup(s string) (string, error) {
	groups := strings.Split(s, ",")
	if !allDigits(groups[0]) || groups[0] == "" || (len(groups) > 1 && len(groups[0]) > 3) {
		return "", fmt.Errorf("misplaced digits")
	}
	for _, g := range groups[1:] {
		if len(g) != 3 || !allDigits(g) {
			return "", fmt.Errorf("misplaced comma")
		}
	}
	return strings.Join(groups, ""), nil
}

func allDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// FormatAmount writes minor units of code in the major unit with commas
// between thousands and MinorDigits(code) decimals: 123450 EUR is
// "1,234.50", 1234 JPY is "1,234".
func FormatAmount(minor int64, code string) string {
	digits := MinorDigits(code)
	neg := minor < 0
	abs := strconv.FormatUint(absUint(minor), 10)
	if len(abs) <= digits {
		abs = strings.Repeat("0", digits-len(abs)+1) + abs
	}
	whole, frac := abs[:len(abs)-digits], abs[len(abs)-digits:]
	var b strings.Builder
	if neg {
		b.WriteByte('-')
	}
	for i, r := range whole {
		if i > 0 && (len(whole)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(r)
	}
	if digits > 0 {
		b.WriteByte('.')
		b.WriteString(frac)
	}
	return b.String()
}

// PlainAmount writes minor units of code without grouping, as "1234.50",
// the form the deal history stores.
func PlainAmount(minor int64, code string) string {
	return strings.ReplaceAll(FormatAmount(minor, code), ",", "")
}

// absUint returns |v| as a uint64, including for math.MinInt64, whose
// absolute value does not fit in an int64.
func absUint(v int64) uint64 {
	if v < 0 {
		return uint64(-(v + 1)) + 1 // #nosec G115 -- -(v+1) is never negative
	}
	return uint64(v) // #nosec G115 -- v is not negative here
}
