package contacts

import (
	"strings"
	"unicode"

	"golang.org/x/text/cases"
	"golang.org/x/text/unicode/norm"
)

var folder = cases.Fold()

// baseLetters maps lower-case letters that Unicode does not decompose into
// a base letter and a mark, so that NFKD alone leaves them as they are, to
// the Latin letters people type for them: "soren" finds "Søren" and
// "yilmaz" finds "Yılmaz".
var baseLetters = map[rune]string{
	'ø': "o", 'ł': "l", 'đ': "d", 'ð': "d", 'ħ': "h", 'ı': "i", 'ŧ': "t",
	'æ': "ae", 'œ': "oe", 'þ': "th",
}

// Fold returns s in the form that search compares: compatibility-decomposed,
// with combining marks removed, case-folded, apostrophes dropped (so that
// "obrien" finds "O'Brien"), every other run of non-letters and non-digits
// turned into one space, and trimmed. Search folds both the stored text and
// the query, so it is accent- and case-insensitive on every database engine.
func Fold(s string) string {
	s = folder.String(norm.NFKD.String(s))
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		switch {
		case unicode.Is(unicode.Mn, r):
			// A combining mark left by decomposition: "ë" is "e" plus U+0308.
		case r == '\'' || r == '’' || r == '`' || r == 'ʼ':
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			if base, ok := baseLetters[r]; ok {
				b.WriteString(base)
			} else {
				b.WriteRune(r)
			}
		default:
			space = true
		}
	}
	return b.String()
}
