package deals

import (
	"strings"
	"time"
	"unicode/utf8"

	"github.com/chatalott/chatalott"
)

// Limits on deals and stages.
const (
	MaxTitleLen     = 500
	MaxStageNameLen = 100
	MaxStages       = 30
	// MaxContacts is the number of contacts one deal may name.
	MaxContacts = 100
)

// Normalize trims surrounding space so that equal input is stored equally.
func (d *Deal) Normalize() {
	d.Title = strings.TrimSpace(d.Title)
	d.Currency = strings.ToUpper(strings.TrimSpace(d.Currency))
	d.ExpectedClose = strings.TrimSpace(d.ExpectedClose)
	d.CompanyID = strings.TrimSpace(d.CompanyID)
	d.OwnerID = strings.TrimSpace(d.OwnerID)
	d.StageID = strings.TrimSpace(d.StageID)
}

// Validate checks the deal's own fields after Normalize and returns every
// problem found, each naming its field and the fix. Whether the stage,
// company and owner exist in the workspace is checked by the service and
// again by the store.
func (d *Deal) Validate() error {
	var errs chatalott.ValidationErrors
	add := func(field, format string, args ...any) {
		errs = append(errs, chatalott.FieldError(field, format, args...))
	}
	switch n := utf8.RuneCountInString(d.Title); {
	case d.Title == "":
		add("title", "Title is missing; name the deal, such as \"Website redesign\".")
	case !utf8.ValidString(d.Title) || strings.ContainsRune(d.Title, 0):
		add("title", "Title is not valid text; re-enter it.")
	case n > MaxTitleLen:
		add("title", "Title is %d characters long; shorten it to at most %d.", n, MaxTitleLen)
	}
	if _, err := ParseCurrency(d.Currency); err != nil {
		add("currency", "Currency %q is not an ISO 4217 code in use; choose one from the list.", d.Currency)
	}
	if d.Amount < 0 || d.Amount > MaxAmount {
		add("amount", "Amount is out of range; enter a number from 0 to %s.", FormatAmount(MaxAmount, "EUR"))
	}
	if d.ExpectedClose != "" {
		if _, err := ParseDate(d.ExpectedClose); err != nil {
			add("expected_close", "Expected close date %q is not a date; write it as YYYY-MM-DD.", d.ExpectedClose)
		}
	}
	if d.StageID == "" {
		add("stage_id", "Stage is missing; choose a stage.")
	}
	if d.OwnerID == "" {
		add("owner_id", "Owner is missing; choose a member of the workspace.")
	}
	return errs.Err()
}

// ParseDate parses a date written YYYY-MM-DD between the years 1000 and
// 9999, so that text order stays date order.
func ParseDate(s string) (time.Time, error) {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		return time.Time{}, err
	}
	if t.Year() < 1000 {
		return time.Time{}, &time.ParseError{Layout: time.DateOnly, Value: s, Message: ": year before 1000"}
	}
	return t, nil
}

// validateStage checks a stage's name and probability after trimming the
// name.
func validateStage(st *Stage) error {
	var errs chatalott.ValidationErrors
	st.Name = strings.TrimSpace(st.Name)
	switch n := utf8.RuneCountInString(st.Name); {
	case st.Name == "":
		errs = append(errs, chatalott.FieldError("name", "Stage name is missing; enter a name such as \"Demo\"."))
	case !utf8.ValidString(st.Name) || strings.ContainsRune(st.Name, 0):
		errs = append(errs, chatalott.FieldError("name", "Stage name is not valid text; re-enter it."))
	case n > MaxStageNameLen:
		errs = append(errs, chatalott.FieldError("name", "Stage name is %d characters long; shorten it to at most %d.", n, MaxStageNameLen))
	}
	if st.Probability < 0 || st.Probability > 100 {
		errs = append(errs, chatalott.FieldError("probability", "Probability %d is out of range; enter a whole percentage from 0 to 100.", st.Probability))
	}
	return errs.Err()
}
