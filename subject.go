package chatalott

// Subject types: the kinds of record that timeline entries and follow-ups
// attach to. companies.SubjectType and deals.SubjectType have the same
// values.
const (
	SubjectContact = "contact"
	SubjectCompany = "company"
	SubjectDeal    = "deal"
)

// Subject names one contact, company or deal by type and id.
type Subject struct {
	Type string
	ID   string
}

// Valid reports whether s has a known type and an id.
func (s Subject) Valid() bool {
	switch s.Type {
	case SubjectContact, SubjectCompany, SubjectDeal:
		return s.ID != ""
	}
	return false
}

// Path returns the page of the subject, such as "/contacts/ID".
func (s Subject) Path() string {
	switch s.Type {
	case SubjectContact:
		return "/contacts/" + s.ID
	case SubjectCompany:
		return "/companies/" + s.ID
	case SubjectDeal:
		return "/deals/" + s.ID
	}
	return "/"
}
