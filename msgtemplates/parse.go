package msgtemplates

import (
	"fmt"
	"strings"
	"unicode/utf8"
)

// Variables lists every variable a template may use, in the order the
// help text and error messages show them.
var Variables = []string{
	"first_name", "last_name", "full_name", "nickname", "email", "phone", "company", "title",
	"deal.title", "deal.amount", "deal.stage", "me.name", "me.email",
}

var knownVariables = func() map[string]bool {
	m := make(map[string]bool, len(Variables))
	for _, v := range Variables {
		m[v] = true
	}
	return m
}()

// Position is a place in a template's text. Line and Column count from 1,
// and Column counts characters, not bytes.
type Position struct {
	Line, Column int
}

func (p Position) String() string { return fmt.Sprintf("line %d, column %d", p.Line, p.Column) }

// Problem is one error found while parsing a template.
type Problem struct {
	Position Position
	Message  string
}

// ParseError lists every problem of a template's text.
type ParseError struct {
	Problems []Problem
}

// maxProblemsShown is how many problems Error lists before summing up the rest.
const maxProblemsShown = 5

func (e *ParseError) Error() string {
	var messages []string
	for i, p := range e.Problems {
		if i == maxProblemsShown {
			messages = append(messages, fmt.Sprintf("%d more problems follow.", len(e.Problems)-i))
			break
		}
		messages = append(messages, p.Message)
	}
	return strings.Join(messages, " ")
}

// segment is literal text or, when variable is set, one variable.
type segment struct {
	text     string
	variable string
	position Position
}

// Parsed is a template's text split into literal text and variables.
type Parsed struct {
	segments []segment
}

// Parse splits text into literal text and {{variable}} references. A
// reference is "{{", optional spaces, a name from Variables, optional
// spaces and "}}" on one line. Single braces are literal text. There is no
// escape for a literal "{{": every "{{" opens a reference.
//
// Parse returns a *ParseError listing every unknown variable, empty
// reference and unclosed "{{" with its position.
func Parse(text string) (*Parsed, error) {
	var parsed Parsed
	var problems []Problem
	// listedKnown is set once a problem lists the known variables, so that
	// later problems do not repeat the list.
	listedKnown := false
	line, column := 1, 1
	// advance moves the position past s.
	advance := func(s string) {
		for _, r := range s {
			if r == '\n' {
				line, column = line+1, 1
			} else {
				column++
			}
		}
	}
	rest := text
	for rest != "" {
		open := strings.Index(rest, "{{")
		if open < 0 {
			parsed.segments = append(parsed.segments, segment{text: rest})
			break
		}
		if open > 0 {
			parsed.segments = append(parsed.segments, segment{text: rest[:open]})
			advance(rest[:open])
			rest = rest[open:]
		}
		at := Position{Line: line, Column: column}
		afterOpen := rest[2:]
		end := strings.Index(afterOpen, "}}")
		newline := strings.IndexByte(afterOpen, '\n')
		if end < 0 || (newline >= 0 && newline < end) {
			problems = append(problems, Problem{Position: at,
				Message: fmt.Sprintf("Unclosed {{ at %s: close the variable with }} on the same line.", at)})
			// The rest of the line cannot hold a variable, so parsing goes on
			// after it, or stops at the end of the text.
			if newline < 0 {
				break
			}
			advance(rest[:2+newline])
			rest = afterOpen[newline:]
			continue
		}
		reference := rest[:2+end+2]
		name := strings.TrimSpace(afterOpen[:end])
		switch {
		case name == "":
			problems = append(problems, Problem{Position: at,
				Message: fmt.Sprintf("Empty variable %s at %s: write a variable name between the braces.", reference, at)})
		case !knownVariables[name] && !listedKnown:
			listedKnown = true
			problems = append(problems, Problem{Position: at,
				Message: fmt.Sprintf("Unknown variable %s at %s; known variables are %s.", reference, at, knownList())})
		case !knownVariables[name]:
			problems = append(problems, Problem{Position: at,
				Message: fmt.Sprintf("Unknown variable %s at %s.", reference, at)})
		default:
			parsed.segments = append(parsed.segments, segment{variable: name, position: at})
		}
		advance(reference)
		rest = rest[len(reference):]
	}
	if len(problems) > 0 {
		return nil, &ParseError{Problems: problems}
	}
	return &parsed, nil
}

func knownList() string {
	names := make([]string, len(Variables))
	for i, v := range Variables {
		names[i] = "{{" + v + "}}"
	}
	return strings.Join(names, ", ")
}

// Warning is a variable that rendered as empty text because the chosen
// contact, deal or user has no value for it.
type Warning struct {
	// Part is "Subject" or "Body" when the warning comes from a template,
	// and "" for text rendered on its own.
	Part     string
	Variable string
	Position Position
	// Reason is why the value is missing, such as "the contact has no phone number".
	Reason string
}

func (w Warning) String() string {
	if w.Part != "" {
		return fmt.Sprintf("%s, %s: {{%s}} is empty because %s.", w.Part, w.Position, w.Variable, w.Reason)
	}
	return fmt.Sprintf("{{%s}} at %s is empty because %s.", w.Variable, w.Position, w.Reason)
}

// Values are the values of the variables for one contact, deal and user.
// A variable without a value, or with an empty one, renders as empty text
// and produces a Warning whose reason is Missing[name], or a general reason.
type Values struct {
	Text    map[string]string
	Missing map[string]string
}

// Render substitutes values into p and returns plain text. Values are
// inserted as they are and never parsed again, so a value that contains
// "{{first_name}}" or markup appears literally. Each empty variable gives
// one warning, at its first position.
func (p *Parsed) Render(values Values) (string, []Warning) {
	var out strings.Builder
	var warnings []Warning
	warned := map[string]bool{}
	for _, s := range p.segments {
		if s.variable == "" {
			out.WriteString(s.text)
			continue
		}
		value := values.Text[s.variable]
		if strings.TrimSpace(value) == "" && !warned[s.variable] {
			warned[s.variable] = true
			reason := values.Missing[s.variable]
			if reason == "" {
				reason = "there is no value for it"
			}
			warnings = append(warnings, Warning{Variable: s.variable, Position: s.position, Reason: reason})
		}
		out.WriteString(value)
	}
	return out.String(), warnings
}

// charCount returns the number of characters in s.
func charCount(s string) int { return utf8.RuneCountInString(s) }
