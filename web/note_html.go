package web

import (
	"html/template"
	"net/url"
	"strings"
)

// noteHTML renders plain text for a page: every piece is escaped with
// template.HTMLEscapeString, line breaks become <br>, and only http and
// https URLs become links, which open without a referrer or an opener and
// carry nofollow. No user text reaches the result unescaped.
func noteHTML(text string) template.HTML {
	var b strings.Builder
	for i, line := range strings.Split(text, "\n") {
		if i > 0 {
			b.WriteString("<br>\n")
		}
		writeLinkedLine(&b, line)
	}
	return template.HTML(b.String()) // #nosec G203 -- built only from escaped pieces
}

// writeLinkedLine writes one line, linking each whitespace-separated word
// that is an http or https URL with a host.
func writeLinkedLine(b *strings.Builder, line string) {
	rest := line
	for rest != "" {
		start := strings.IndexFunc(rest, func(r rune) bool { return r != ' ' && r != '\t' })
		if start < 0 {
			b.WriteString(template.HTMLEscapeString(rest))
			return
		}
		b.WriteString(template.HTMLEscapeString(rest[:start]))
		rest = rest[start:]
		end := strings.IndexAny(rest, " \t")
		if end < 0 {
			end = len(rest)
		}
		writeWord(b, rest[:end])
		rest = rest[end:]
	}
}

// writeWord writes a word, as a link when it is a web address. Closing
// punctuation that usually ends a sentence stays outside the link.
func writeWord(b *strings.Builder, word string) {
	target := strings.TrimRight(word, ".,;:!?)]'\"")
	trail := word[len(target):]
	lower := strings.ToLower(target)
	if !strings.HasPrefix(lower, "http://") && !strings.HasPrefix(lower, "https://") {
		b.WriteString(template.HTMLEscapeString(word))
		return
	}
	u, err := url.Parse(target)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		b.WriteString(template.HTMLEscapeString(word))
		return
	}
	href := template.HTMLEscapeString(u.String())
	b.WriteString(`<a href="` + href + `" rel="noopener noreferrer nofollow">` + template.HTMLEscapeString(target) + `</a>`)
	b.WriteString(template.HTMLEscapeString(trail))
}
