package addressbook

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/chatalott/chatalott/contacts"
)

// noBirthday lists the values that Outlook and other exporters write for an
// empty date.
var noBirthday = map[string]bool{"0/0/00": true, "0/0/0000": true, "00/00/0000": true, "0.0.00": true}

// numericDate matches day, month and year in either order with '/', '.' or
// '-' between them, as Outlook writes dates in different locales.
var numericDate = regexp.MustCompile(`^(\d{1,2})([./-])(\d{1,2})([./-])(\d{2}|\d{4})$`)

// parseCSVBirthday reads a birthday in the formats that address-book CSV
// files use: YYYY-MM-DD, YYYYMMDD, --MM-DD and --MMDD (Google), M/D/YYYY and
// M/D/YY (Outlook, month first), D.M.YYYY (Outlook in European locales), and
// an ISO date-time whose date part is kept. It returns nil for an empty date
// and a warning when the value could be read two ways.
func parseCSVBirthday(value string, now time.Time) (*contacts.Birthday, string, error) {
	value = strings.TrimSpace(value)
	if value == "" || noBirthday[value] {
		return nil, "", nil
	}
	if date, _, ok := strings.Cut(value, "T"); ok && len(date) >= 8 {
		value = date
	}
	if b, err := contacts.ParseBirthday(value); err == nil {
		return &b, "", nil
	}
	parts := numericDate.FindStringSubmatch(value)
	if parts == nil || parts[2] != parts[4] {
		return nil, "", birthdayError(value)
	}
	first, _ := strconv.Atoi(parts[1])
	second, _ := strconv.Atoi(parts[3])
	year, _ := strconv.Atoi(parts[5])
	if first == 0 && second == 0 {
		return nil, "", nil
	}
	if len(parts[5]) == 2 {
		year = expandTwoDigitYear(year, now)
	}

	var warning string
	b := contacts.Birthday{Year: year}
	switch {
	case parts[2] == ".": // day first, as in German and Polish locales
		b.Day, b.Month = first, second
	case first > 12:
		b.Day, b.Month = first, second
	default:
		b.Month, b.Day = first, second
		if second <= 12 && first != second {
			warning = fmt.Sprintf("birthday %q was read month first, as %s; correct it after the import if the day comes first",
				value, time.Month(b.Month).String()+" "+strconv.Itoa(b.Day))
		}
	}
	if !b.Valid() {
		return nil, "", birthdayError(value)
	}
	return &b, warning, nil
}

// expandTwoDigitYear puts a two-digit birth year in the century that makes
// it no later than now.
func expandTwoDigitYear(yy int, now time.Time) int {
	year := 2000 + yy
	if year > now.Year() {
		year -= 100
	}
	return year
}

func birthdayError(value string) error {
	return fmt.Errorf("birthday %q is not a date; write it as YYYY-MM-DD, or --MM-DD without a year", value)
}

// parseVCardBirthday reads BDAY values: the 3.0 forms YYYY-MM-DD and
// YYYYMMDD with an optional time, the 4.0 forms --MMDD and --MM-DD, and
// Apple's placeholder year marked by X-APPLE-OMIT-YEAR, which becomes Year 0.
func parseVCardBirthday(value, omitYear string) (*contacts.Birthday, error) {
	value = strings.TrimSpace(value)
	if date, _, ok := strings.Cut(value, "T"); ok {
		value = date
	}
	b, err := contacts.ParseBirthday(value)
	if err != nil {
		return nil, birthdayError(value)
	}
	if omitYear != "" && strconv.Itoa(b.Year) == strings.TrimSpace(omitYear) {
		b.Year = 0
	}
	return &b, nil
}
