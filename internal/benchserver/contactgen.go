// Package benchserver seeds a benchmark workspace and serves the baseline
// handlers that the contact-list benchmark compares Chatalott with. The
// chatalott-bench command under cmd/ wraps it; docs/benchmarks.md records
// the figures.
package benchserver

import (
	"fmt"
	"math/rand/v2"
	"strings"

	"github.com/chatalott/chatalott/contacts"
)

// Name and company lists for generated contacts. They mix accents,
// apostrophes and non-Latin-1 letters, so that folding, sort keys and
// search text do the same work as on a real address book.
var (
	givenNames = []string{
		"Anna", "Ben", "Chloé", "Dmitri", "Elif", "Farid", "Greta", "Hiroshi", "Ingrid", "Jonas",
		"Kavya", "Lars", "Maëlle", "Nikolai", "Olga", "Pedro", "Quentin", "Rosa", "Søren", "Tomás",
		"Uma", "Vítor", "Wen", "Ximena", "Yusuf", "Zoë", "Amara", "Bruno", "Camille", "Dong-hyun",
		"Emeka", "Fatima", "Giulia", "Hana", "Ines", "Jakub", "Keanu", "Lucía", "Mateo", "Noor",
		"Oskar", "Priya", "Rafael", "Sakura", "Thandiwe", "Ulrich", "Valentina", "William", "Yara", "Zeynep",
	}
	familyNames = []string{
		"Müller", "García", "O'Brien", "Nguyễn", "Kowalski", "Rossi", "Dubois", "Johansson", "Yılmaz", "Okafor",
		"Schmidt", "Fernández", "Novák", "Papadopoulos", "Haddad", "Tanaka", "Kim", "Silva", "Andersen", "Ivanova",
		"Martin", "López", "Bianchi", "Van der Berg", "Mbeki", "Sato", "Costa", "Nielsen", "Horvath", "Moreau",
		"Al-Sayed", "Lindqvist", "Brennan", "Petrović", "Kaur", "Sánchez", "Weber", "Lefèvre", "Abe", "Singh",
		"Walsh", "Jankowski", "Ferreira", "Østergaard", "Çelik", "Hughes", "Romano", "Takahashi", "Bauer", "Acheampong",
	}
	companyWords = []string{
		"Northwind", "Bluefield", "Kestrel", "Harbor", "Lumen", "Atlas", "Juniper", "Copperleaf", "Meridian", "Fjord",
		"Solace", "Tidewater", "Quarry", "Brightline", "Oakridge", "Saffron", "Granite", "Velvet", "Pioneer", "Cobalt",
	}
	companySuffixes = []string{"GmbH", "Ltd", "SARL", "Inc.", "AB", "S.L.", "B.V.", "& Co.", "Studio", "Partners"}
	jobTitles       = []string{
		"Account Manager", "Head of Sales", "CTO", "Founder", "Procurement Lead", "Office Manager",
		"Marketing Director", "Freelance Designer", "Operations Analyst", "Project Manager", "",
	}
	departments = []string{"Sales", "Engineering", "Finance", "Marketing", "Purchasing", "", "", ""}
	cities      = []struct{ city, postalCode, country string }{
		{"Berlin", "10115", "Germany"}, {"Lyon", "69002", "France"}, {"Porto", "4050-000", "Portugal"},
		{"Kraków", "31-000", "Poland"}, {"Malmö", "211 20", "Sweden"}, {"Dublin", "D02", "Ireland"},
		{"Lagos", "100001", "Nigeria"}, {"Osaka", "530-0001", "Japan"}, {"Austin", "78701", "United States"},
		{"Valparaíso", "2340000", "Chile"},
	}
	streets = []string{"Hauptstraße", "Rue de la République", "Rua das Flores", "Main Street", "Storgatan", "Kingsway"}
	tags    = []string{"customer", "lead", "supplier", "partner", "newsletter", "vip", "conference-2025", "referral"}
)

// ContactGenerator makes realistic contacts deterministically from a seed,
// so that two runs with the same seed store the same address book.
type ContactGenerator struct {
	rng *rand.Rand
}

// NewContactGenerator returns a generator seeded with seed.
func NewContactGenerator(seed uint64) *ContactGenerator {
	// A seeded generator makes the benchmark data reproducible; it
	// protects nothing, so it need not be cryptographic.
	return &ContactGenerator{rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))} // #nosec G404 -- synthetic benchmark data
}

func (g *ContactGenerator) pick(list []string) string { return list[g.rng.IntN(len(list))] }

// chance returns true with probability percent/100.
func (g *ContactGenerator) chance(percent int) bool { return g.rng.IntN(100) < percent }

// Next returns a new contact without id or timestamps; contacts.Service.Create
// sets those. About one in twelve is an organization with no personal name.
// The others have a given and a family name, usually an employer, one or two
// email addresses, a phone number, and sometimes an address, tags, a
// birthday and a short note. None has a photo.
func (g *ContactGenerator) Next() *contacts.Contact {
	company := g.pick(companyWords) + " " + g.pick(companySuffixes)
	domain := asciiLocalPart(strings.Fields(company)[0]) + ".example"
	if g.chance(8) {
		return &contacts.Contact{
			Kind:         contacts.KindOrganization,
			Organization: company,
			Emails:       []contacts.Email{{Label: "work", Address: "info@" + domain}},
			Phones:       []contacts.Phone{{Label: "work", Number: g.phoneNumber()}},
			Addresses:    []contacts.Address{g.address("work")},
			Tags:         []string{g.pick(tags)},
		}
	}

	given, family := g.pick(givenNames), g.pick(familyNames)
	c := &contacts.Contact{Kind: contacts.KindPerson, Given: given, Family: family}
	if g.chance(10) {
		c.Middle = g.pick(givenNames)
	}
	local := asciiLocalPart(given) + "." + asciiLocalPart(family)
	if g.chance(75) {
		c.Organization, c.Title, c.Department = company, g.pick(jobTitles), g.pick(departments)
		c.Emails = append(c.Emails, contacts.Email{Label: "work", Address: local + "@" + domain})
	}
	if len(c.Emails) == 0 || g.chance(40) {
		c.Emails = append(c.Emails, contacts.Email{Label: "home", Address: fmt.Sprintf("%s%d@mail.example", local, g.rng.IntN(100))})
	}
	if g.chance(85) {
		c.Phones = append(c.Phones, contacts.Phone{Label: "mobile", Number: g.phoneNumber()})
	}
	if g.chance(35) {
		c.Addresses = append(c.Addresses, g.address("home"))
	}
	if g.chance(50) {
		c.Tags = append(c.Tags, g.pick(tags))
	}
	if g.chance(20) {
		c.Birthday = &contacts.Birthday{Year: 1950 + g.rng.IntN(55), Month: 1 + g.rng.IntN(12), Day: 1 + g.rng.IntN(28)}
	}
	if g.chance(30) {
		c.Note = fmt.Sprintf("Met %s at a trade fair; follow up about the %s quote.", given, strings.ToLower(g.pick(companyWords)))
	}
	return c
}

func (g *ContactGenerator) phoneNumber() string {
	return fmt.Sprintf("+%d %03d %03d %04d", 1+g.rng.IntN(98), g.rng.IntN(1000), g.rng.IntN(1000), g.rng.IntN(10000))
}

func (g *ContactGenerator) address(label string) contacts.Address {
	place := cities[g.rng.IntN(len(cities))]
	return contacts.Address{
		Label:      label,
		Street:     fmt.Sprintf("%s %d", g.pick(streets), 1+g.rng.IntN(200)),
		City:       place.city,
		PostalCode: place.postalCode,
		Country:    place.country,
	}
}

// asciiLocalPart folds s and keeps only ASCII letters and digits, so that
// generated email addresses pass contacts.Validate on every name.
func asciiLocalPart(s string) string {
	var b strings.Builder
	for _, r := range contacts.Fold(s) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "contact"
	}
	return b.String()
}
