package addressbook

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"

	"github.com/chatalott/chatalott"
)

// Target is the contact field that a CSV column is read into.
type Target string

// Targets of a column mapping. The targets from TargetEmail down are
// grouped: each column with one of them belongs to one entry (an email,
// phone, address, website or custom field), and ColumnMapping.Group names
// that entry, so that a label column labels the value column of its group.
const (
	TargetIgnore       Target = "ignore"
	TargetPrefix       Target = "prefix"
	TargetGiven        Target = "given"
	TargetMiddle       Target = "middle"
	TargetFamily       Target = "family"
	TargetSuffix       Target = "suffix"
	TargetFullName     Target = "full_name"
	TargetNickname     Target = "nickname"
	TargetOrganization Target = "organization"
	TargetTitle        Target = "title"
	TargetDepartment   Target = "department"
	TargetBirthday     Target = "birthday"
	TargetNote         Target = "note"
	TargetTags         Target = "tags"
	TargetKind         Target = "kind"
	TargetPhoto        Target = "photo"

	TargetEmail             Target = "email"
	TargetEmailLabel        Target = "email_label"
	TargetPhone             Target = "phone"
	TargetPhoneLabel        Target = "phone_label"
	TargetAddressLabel      Target = "address_label"
	TargetAddressFormatted  Target = "address_formatted"
	TargetAddressStreet     Target = "address_street"
	TargetAddressExtended   Target = "address_extended"
	TargetAddressPOBox      Target = "address_po_box"
	TargetAddressCity       Target = "address_city"
	TargetAddressRegion     Target = "address_region"
	TargetAddressPostalCode Target = "address_postal_code"
	TargetAddressCountry    Target = "address_country"
	TargetURL               Target = "url"
	TargetURLLabel          Target = "url_label"
	TargetFieldValue        Target = "field_value"
	TargetFieldLabel        Target = "field_label"
)

// TargetInfo describes a Target for the mapping editor.
type TargetInfo struct {
	Target Target
	// Label is the name shown to the user, such as "Given name".
	Label string
	// Grouped is true for targets whose columns form entries by Group.
	Grouped bool
}

var targetInfos = []TargetInfo{
	{TargetIgnore, "Do not import", false},
	{TargetPrefix, "Name prefix", false},
	{TargetGiven, "Given name", false},
	{TargetMiddle, "Middle name", false},
	{TargetFamily, "Family name", false},
	{TargetSuffix, "Name suffix", false},
	{TargetFullName, "Full name (split into given and family name)", false},
	{TargetNickname, "Nickname", false},
	{TargetOrganization, "Organization", false},
	{TargetTitle, "Job title", false},
	{TargetDepartment, "Department", false},
	{TargetBirthday, "Birthday", false},
	{TargetNote, "Note", false},
	{TargetTags, "Tags", false},
	{TargetKind, "Kind (person or organization)", false},
	{TargetPhoto, "Photo (data: URI)", false},
	{TargetEmail, "Email", true},
	{TargetEmailLabel, "Email label", true},
	{TargetPhone, "Phone", true},
	{TargetPhoneLabel, "Phone label", true},
	{TargetAddressLabel, "Address label", true},
	{TargetAddressFormatted, "Address as one text", true},
	{TargetAddressStreet, "Street", true},
	{TargetAddressExtended, "Extended address (suite, floor)", true},
	{TargetAddressPOBox, "PO box", true},
	{TargetAddressCity, "City", true},
	{TargetAddressRegion, "Region or state", true},
	{TargetAddressPostalCode, "Postal code", true},
	{TargetAddressCountry, "Country", true},
	{TargetURL, "Website", true},
	{TargetURLLabel, "Website label", true},
	{TargetFieldValue, "Custom field value", true},
	{TargetFieldLabel, "Custom field label", true},
}

// Targets returns every valid Target with its label, in the order a mapping
// editor should list them.
func Targets() []TargetInfo {
	return append([]TargetInfo(nil), targetInfos...)
}

func knownTarget(t Target) bool {
	for _, info := range targetInfos {
		if info.Target == t {
			return true
		}
	}
	return false
}

// ColumnMapping is the contact field that one CSV column is read into.
type ColumnMapping struct {
	// Index is the column's 0-based position in the header row.
	Index int
	// Header is the column's name as written in the file.
	Header string
	Target Target
	// Group ties the columns of one entry together, such as Google's
	// "E-mail 2 - Label" and "E-mail 2 - Value". Only grouped targets use it.
	Group int
	// Label is the label given to values of this column when no label
	// column of its group has one, such as "Work" for Outlook's
	// "Business Phone", or the field label of a custom field column.
	Label string
}

// Profile names the application whose CSV layout a header row matches.
type Profile string

// Profiles that DetectMapping recognises.
const (
	ProfileGoogle    Profile = "google"
	ProfileOutlook   Profile = "outlook"
	ProfileLinkedIn  Profile = "linkedin"
	ProfileChatalott Profile = "chatalott" // Google's columns plus kindHeader
	ProfileGeneric   Profile = "generic"
)

// kindHeader is the column that Chatalott's CSV export adds after Google's
// columns. Its presence marks the file as Chatalott's, so that the reader
// undoes the formula escaping described in escapeFormula.
const kindHeader = "Chatalott Kind"

// DetectMapping guesses the application that wrote headers and maps each
// column to a target. Columns it does not recognise map to TargetIgnore.
func DetectMapping(headers []string) (Profile, []ColumnMapping) {
	profile := detectProfile(headers)
	mapping := make([]ColumnMapping, len(headers))
	for i, h := range headers {
		m := mapHeader(profile, strings.TrimSpace(h))
		m.Index, m.Header = i, h
		mapping[i] = m
	}
	return profile, mapping
}

func detectProfile(headers []string) Profile {
	has := make(map[string]bool, len(headers))
	for _, h := range headers {
		has[normalizeHeader(h)] = true
	}
	switch {
	case has[normalizeHeader(kindHeader)]:
		return ProfileChatalott
	case has["labels"] || has["group membership"] || has["e-mail 1 - value"] || has["phone 1 - value"] || has["given name"] && has["family name"]:
		return ProfileGoogle
	case has["connected on"]:
		return ProfileLinkedIn
	case has["e-mail address"] || has["business phone"] || has["mobile phone"] || has["job title"] && has["company"] || has["business street"] || has["home street"]:
		return ProfileOutlook
	}
	return ProfileGeneric
}

func normalizeHeader(h string) string {
	return strings.ToLower(strings.Join(strings.Fields(h), " "))
}

// googleEntry matches Google's numbered entry columns, old ("E-mail 1 -
// Type") and new ("E-mail 1 - Label").
var googleEntry = regexp.MustCompile(`^(e-mail|phone|address|website|custom field|event|relation|im|organization) (\d{1,3}) - (.+)$`)

// Google's entry kinds that become custom fields get group numbers far
// apart, so that "Event 1" and "Relation 1" stay separate entries.
var googleFieldGroupBase = map[string]int{"custom field": 0, "event": 1000, "relation": 2000, "im": 3000}

var googleFieldDefaultLabel = map[string]string{"event": "Event", "relation": "Relation", "im": "IM"}

func mapHeader(profile Profile, header string) ColumnMapping {
	h := normalizeHeader(header)
	if profile == ProfileGoogle || profile == ProfileChatalott {
		if h == normalizeHeader(kindHeader) {
			return ColumnMapping{Target: TargetKind}
		}
		if m, ok := mapGoogleHeader(h); ok {
			return m
		}
	}
	if profile == ProfileOutlook {
		if m, ok := mapOutlookHeader(h); ok {
			return m
		}
	}
	if profile == ProfileLinkedIn {
		switch h {
		case "url":
			return ColumnMapping{Target: TargetURL, Label: "LinkedIn"}
		case "connected on":
			return ColumnMapping{Target: TargetFieldValue, Label: "Connected On"}
		case "position":
			return ColumnMapping{Target: TargetTitle}
		}
	}
	if t, ok := genericHeaders[h]; ok {
		return t
	}
	return ColumnMapping{Target: TargetIgnore}
}

func mapGoogleHeader(h string) (ColumnMapping, bool) {
	switch h {
	case "name":
		return ColumnMapping{Target: TargetFullName}, true
	case "additional name":
		return ColumnMapping{Target: TargetMiddle}, true
	case "labels", "group membership":
		return ColumnMapping{Target: TargetTags}, true
	case "photo":
		return ColumnMapping{Target: TargetPhoto}, true
	case "file as", "phonetic first name", "phonetic middle name", "phonetic last name",
		"yomi name", "given name yomi", "additional name yomi", "family name yomi":
		return ColumnMapping{Target: TargetIgnore}, true
	}
	parts := googleEntry.FindStringSubmatch(h)
	if parts == nil {
		return ColumnMapping{}, false
	}
	kind, part := parts[1], parts[3]
	n, _ := strconv.Atoi(parts[2])
	isLabel := part == "label" || part == "type"
	var t Target
	switch kind {
	case "e-mail":
		t = pick(isLabel, TargetEmailLabel, TargetEmail)
	case "phone":
		t = pick(isLabel, TargetPhoneLabel, TargetPhone)
	case "website":
		t = pick(isLabel, TargetURLLabel, TargetURL)
	case "custom field", "event", "relation", "im":
		t = pick(isLabel, TargetFieldLabel, TargetFieldValue)
		m := ColumnMapping{Target: t, Group: googleFieldGroupBase[kind] + n, Label: googleFieldDefaultLabel[kind]}
		if part != "value" && !isLabel {
			m.Target = TargetIgnore
		}
		return m, true
	case "organization":
		if n != 1 {
			return ColumnMapping{Target: TargetIgnore}, true
		}
		switch part {
		case "name":
			t = TargetOrganization
		case "title":
			t = TargetTitle
		case "department":
			t = TargetDepartment
		default:
			t = TargetIgnore
		}
		return ColumnMapping{Target: t}, true
	case "address":
		t = map[string]Target{
			"label": TargetAddressLabel, "type": TargetAddressLabel, "formatted": TargetAddressFormatted,
			"street": TargetAddressStreet, "city": TargetAddressCity, "po box": TargetAddressPOBox,
			"region": TargetAddressRegion, "postal code": TargetAddressPostalCode,
			"country": TargetAddressCountry, "extended address": TargetAddressExtended,
		}[part]
		if t == "" {
			t = TargetIgnore
		}
	}
	if !isLabel && part != "value" && kind != "address" {
		t = TargetIgnore
	}
	return ColumnMapping{Target: t, Group: n}, true
}

func pick(cond bool, yes, no Target) Target {
	if cond {
		return yes
	}
	return no
}

// Outlook's address columns: a prefix naming the address, then a component.
var outlookAddressPrefixes = map[string]string{"business": "Work", "home": "Home", "other": "Other"}

var outlookAddressParts = map[string]Target{
	"street": TargetAddressStreet, "street 2": TargetAddressStreet, "street 3": TargetAddressStreet,
	"city": TargetAddressCity, "state": TargetAddressRegion, "postal code": TargetAddressPostalCode,
	"country/region": TargetAddressCountry, "country": TargetAddressCountry, "po box": TargetAddressPOBox,
}

// outlookPhones maps each Outlook phone column to the label its numbers get.
var outlookPhones = map[string]string{
	"home phone": "Home", "home phone 2": "Home", "business phone": "Work", "business phone 2": "Work",
	"mobile phone": "Mobile", "car phone": "Car", "other phone": "Other", "primary phone": "Main",
	"pager": "Pager", "business fax": "Work Fax", "home fax": "Home Fax", "other fax": "Other Fax",
	"company main phone": "Company Main", "callback": "Callback", "radio phone": "Radio",
	"telex": "Telex", "tty/tdd phone": "TTY/TDD", "assistant's phone": "Assistant", "isdn": "ISDN",
}

func mapOutlookHeader(h string) (ColumnMapping, bool) {
	if label, ok := outlookPhones[h]; ok {
		return ColumnMapping{Target: TargetPhone, Group: phoneGroup(h), Label: label}, true
	}
	for prefix, label := range outlookAddressPrefixes {
		rest, ok := strings.CutPrefix(h, prefix+" ")
		if !ok {
			continue
		}
		if t, ok := outlookAddressParts[rest]; ok {
			return ColumnMapping{Target: t, Group: addressGroup(prefix), Label: label}, true
		}
	}
	switch h {
	case "title":
		return ColumnMapping{Target: TargetPrefix}, true
	case "e-mail address":
		return ColumnMapping{Target: TargetEmail, Group: 1}, true
	case "e-mail 2 address":
		return ColumnMapping{Target: TargetEmail, Group: 2}, true
	case "e-mail 3 address":
		return ColumnMapping{Target: TargetEmail, Group: 3}, true
	case "web page":
		return ColumnMapping{Target: TargetURL, Group: 1}, true
	case "personal web page":
		return ColumnMapping{Target: TargetURL, Group: 2, Label: "Personal"}, true
	case "categories":
		return ColumnMapping{Target: TargetTags}, true
	case "anniversary", "spouse", "manager's name", "assistant's name", "office location":
		return ColumnMapping{Target: TargetFieldValue, Group: outlookFieldGroup(h), Label: outlookFieldLabel(h)}, true
	case "given yomi", "surname yomi", "company yomi", "e-mail display name", "e-mail type",
		"e-mail 2 display name", "e-mail 2 type", "e-mail 3 display name", "e-mail 3 type":
		return ColumnMapping{Target: TargetIgnore}, true
	}
	return ColumnMapping{}, false
}

func phoneGroup(h string) int {
	i := 0
	for name := range outlookPhones {
		if name < h {
			i++
		}
	}
	return i + 1
}

func addressGroup(prefix string) int {
	return map[string]int{"business": 1, "home": 2, "other": 3}[prefix]
}

var outlookFields = []string{"anniversary", "spouse", "manager's name", "assistant's name", "office location"}

func outlookFieldGroup(h string) int {
	for i, name := range outlookFields {
		if name == h {
			return i + 1
		}
	}
	return 0
}

func outlookFieldLabel(h string) string {
	return map[string]string{"anniversary": "Anniversary", "spouse": "Spouse", "manager's name": "Manager",
		"assistant's name": "Assistant", "office location": "Office location"}[h]
}

// genericHeaders maps common English header names, compared after
// normalizeHeader, to targets.
var genericHeaders = func() map[string]ColumnMapping {
	m := make(map[string]ColumnMapping)
	add := func(t Target, label string, names ...string) {
		for _, n := range names {
			m[n] = ColumnMapping{Target: t, Label: label}
		}
	}
	add(TargetFullName, "", "name", "full name", "display name", "contact name", "contact")
	add(TargetGiven, "", "first name", "firstname", "given name", "first", "forename")
	add(TargetMiddle, "", "middle name", "middlename", "middle", "additional name")
	add(TargetFamily, "", "last name", "lastname", "surname", "family name", "last")
	add(TargetPrefix, "", "prefix", "name prefix", "salutation")
	add(TargetSuffix, "", "suffix", "name suffix")
	add(TargetNickname, "", "nickname", "nick name")
	add(TargetOrganization, "", "company", "organization", "organisation", "org", "company name", "organization name", "employer")
	add(TargetTitle, "", "title", "job title", "position", "role", "job", "organization title")
	add(TargetDepartment, "", "department", "organization department")
	add(TargetBirthday, "", "birthday", "birth date", "birthdate", "date of birth", "dob")
	add(TargetNote, "", "note", "notes", "comment", "comments", "description")
	add(TargetTags, "", "tags", "tag", "labels", "groups", "group", "categories", "category")
	add(TargetEmail, "", "email", "e-mail", "email address", "e-mail address", "mail", "email 1", "work email")
	add(TargetEmail, "Home", "home email", "personal email")
	add(TargetPhone, "", "phone", "telephone", "phone number", "tel", "work phone", "business phone")
	add(TargetPhone, "Mobile", "mobile", "mobile phone", "cell", "cell phone", "cellphone")
	add(TargetPhone, "Home", "home phone")
	add(TargetURL, "", "website", "web site", "url", "web", "homepage", "web page")
	add(TargetURL, "LinkedIn", "linkedin", "linkedin url", "linkedin profile")
	add(TargetAddressStreet, "", "address", "street", "street address", "address 1", "address line 1")
	add(TargetAddressExtended, "", "address 2", "address line 2")
	add(TargetAddressCity, "", "city", "town", "locality")
	add(TargetAddressRegion, "", "state", "region", "province", "county")
	add(TargetAddressPostalCode, "", "zip", "zip code", "zipcode", "postal code", "postcode", "post code")
	add(TargetAddressCountry, "", "country", "country/region")
	add(TargetAddressPOBox, "", "po box", "p.o. box")
	add(TargetKind, "", "kind")
	return m
}()

// groupGenericColumns gives repeated generic value columns (two "Email"
// columns, or "Phone" and "Mobile") their own groups, so that a label of one
// never applies to the other.
func groupGenericColumns(mapping []ColumnMapping) {
	next := map[Target]int{}
	for i := range mapping {
		m := &mapping[i]
		switch m.Target {
		case TargetEmail, TargetPhone, TargetURL, TargetFieldValue:
			if m.Group == 0 {
				next[m.Target]++
				m.Group = next[m.Target]
			}
		}
	}
}

// checkMapping validates a mapping that the caller supplied for headers.
func checkMapping(mapping []ColumnMapping, headers []string) error {
	for _, m := range mapping {
		if m.Index < 0 || m.Index >= len(headers) {
			return chatalott.Errorf(chatalott.EInvalid,
				"The column mapping names column %d, but the header row has %d columns; map only columns 0 to %d.",
				m.Index, len(headers), len(headers)-1)
		}
		if !knownTarget(m.Target) {
			return chatalott.Errorf(chatalott.EInvalid,
				"The column %q is mapped to %q, which is not a contact field; choose one of the listed fields or %q.",
				headers[m.Index], m.Target, TargetIgnore)
		}
	}
	return nil
}

// checkDuplicateHeaders rejects a header row in which a non-blank name
// appears twice (ignoring case and extra spaces, as DetectMapping does),
// because a mapping could not distinguish the two columns.
func checkDuplicateHeaders(headers []string, line int) error {
	columns := make(map[string][]int)
	var order []string
	for i, h := range headers {
		key := normalizeHeader(h)
		if key == "" {
			continue
		}
		if len(columns[key]) == 0 {
			order = append(order, key)
		}
		columns[key] = append(columns[key], i+1)
	}
	for _, key := range order {
		if cols := columns[key]; len(cols) > 1 {
			names := make([]string, len(cols))
			for i, c := range cols {
				names[i] = strconv.Itoa(c)
			}
			return chatalott.Errorf(chatalott.EInvalid,
				"line %d: the header %q appears in columns %s; rename all but one of them and import again.",
				line, strings.TrimSpace(headers[cols[0]-1]), joinAnd(names))
		}
	}
	return nil
}

func joinAnd(items []string) string {
	if len(items) <= 1 {
		return strings.Join(items, "")
	}
	return fmt.Sprintf("%s and %s", strings.Join(items[:len(items)-1], ", "), items[len(items)-1])
}
