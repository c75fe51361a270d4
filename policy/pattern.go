package policy

import (
	"strings"
	"unicode/utf8"
)

// A pattern is a compiled string from a policy: a literal, or a glob with
// `*` and `?`, possibly holding policy variables such as ${aws:username}.
// Variables are resolved while matching, from the request's context, so a
// match never builds a new string.
type pattern struct {
	raw    string
	elems  []elem
	simple simpleKind // fast paths for the common shapes
}

type simpleKind uint8

const (
	complexPattern simpleKind = iota
	literalPattern            // no wildcard, no variable: compare raw
	anyPattern                // "*": matches everything
	prefixPattern             // "literal*": compare the prefix
)

type elemKind uint8

const (
	elemLiteral  elemKind = iota
	elemStar              // any run of characters, possibly empty
	elemQuestion          // exactly one character
	elemVariable          // the value of a context key, matched literally
)

type elem struct {
	kind elemKind
	text string // literal text; for a variable, its default value
	key  string // variable: the lower-cased context key
	// hasDefault tells a variable with a default (${key, 'x'}) from one
	// without, whose absence makes the whole pattern fail.
	hasDefault bool
}

// compilePattern compiles s. With glob, `*` and `?` are wildcards;
// otherwise they are literal. With variables, ${...} is a policy variable
// (only in 2012-10-17 policies); otherwise it is literal text.
func compilePattern(s string, glob, variables bool) pattern {
	p := pattern{raw: s}
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			p.elems = append(p.elems, elem{kind: elemLiteral, text: lit.String()})
			lit.Reset()
		}
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case glob && c == '*':
			flush()
			if n := len(p.elems); n == 0 || p.elems[n-1].kind != elemStar {
				p.elems = append(p.elems, elem{kind: elemStar})
			}
			i++
		case glob && c == '?':
			flush()
			p.elems = append(p.elems, elem{kind: elemQuestion})
			i++
		case variables && c == '$' && i+1 < len(s) && s[i+1] == '{':
			end := strings.IndexByte(s[i:], '}')
			if end < 0 {
				lit.WriteString(s[i:])
				i = len(s)
				continue
			}
			body := s[i+2 : i+end]
			i += end + 1
			switch body {
			case "*", "?", "$":
				lit.WriteString(body) // ${*} is a literal star, and so on
				continue
			}
			flush()
			p.elems = append(p.elems, parseVariable(body))
		default:
			lit.WriteByte(c)
			i++
		}
	}
	flush()
	p.simple = classify(p.elems)
	return p
}

// parseVariable reads the inside of ${...}: a key, optionally followed by
// a comma and a quoted default, as in ${aws:username, 'anonymous'}.
func parseVariable(body string) elem {
	key, def, hasDefault := strings.Cut(body, ",")
	e := elem{kind: elemVariable, key: strings.ToLower(strings.TrimSpace(key))}
	if hasDefault {
		def = strings.TrimSpace(def)
		if len(def) >= 2 && def[0] == '\'' && def[len(def)-1] == '\'' {
			def = def[1 : len(def)-1]
		}
		e.text, e.hasDefault = def, true
	}
	return e
}

func classify(elems []elem) simpleKind {
	switch {
	case len(elems) == 0:
		return literalPattern
	case len(elems) == 1 && elems[0].kind == elemLiteral:
		return literalPattern
	case len(elems) == 1 && elems[0].kind == elemStar:
		return anyPattern
	case len(elems) == 2 && elems[0].kind == elemLiteral && elems[1].kind == elemStar:
		return prefixPattern
	}
	return complexPattern
}

// MatchAction reports whether action matches pattern as a policy's
// Action element matches it: * and ? are wildcards, and case does not
// matter. For the callers that check actions outside an evaluation.
func MatchAction(pattern, action string) bool {
	p := compilePattern(pattern, true, false)
	return p.match(action, true, nil)
}

// MatchResource reports whether resource matches pattern as a policy's
// Resource element matches it, case counting, for the callers that check
// resources outside an evaluation. A variable in pattern matches nothing.
func MatchResource(pattern, resource string) bool {
	p := compilePattern(pattern, true, false)
	return p.match(resource, false, nil)
}

// match reports whether s matches the pattern. fold makes the comparison
// case-insensitive. Variables are looked up in ctx; a variable that is
// absent, or has several values, and has no default makes the match fail.
func (p *pattern) match(s string, fold bool, ctx *Context) bool {
	switch p.simple {
	case anyPattern:
		return true
	case literalPattern:
		text := ""
		if len(p.elems) == 1 {
			text = p.elems[0].text
		}
		if fold {
			return strings.EqualFold(text, s)
		}
		return text == s
	case prefixPattern:
		return hasPrefix(s, p.elems[0].text, fold)
	}
	return matchElems(p.elems, s, fold, ctx)
}

// matchElems is wildcard matching with backtracking to the last star:
// everything before that star is settled, and the star can absorb any
// amount of text, so trying each later start position is complete.
func matchElems(elems []elem, s string, fold bool, ctx *Context) bool {
	ei, si := 0, 0
	starElem, starPos := -1, 0
	for {
		if ei < len(elems) {
			e := &elems[ei]
			switch e.kind {
			case elemStar:
				starElem, starPos = ei, si
				ei++
				continue
			case elemQuestion:
				if si < len(s) {
					_, w := utf8.DecodeRuneInString(s[si:])
					si += w
					ei++
					continue
				}
			case elemLiteral:
				if hasPrefix(s[si:], e.text, fold) {
					si += len(e.text)
					ei++
					continue
				}
			case elemVariable:
				v, ok := e.resolve(ctx)
				if !ok {
					return false
				}
				if hasPrefix(s[si:], v, fold) {
					si += len(v)
					ei++
					continue
				}
			}
		} else if si == len(s) {
			return true
		}
		if starElem < 0 || starPos >= len(s) {
			return false
		}
		_, w := utf8.DecodeRuneInString(s[starPos:])
		starPos += w
		si, ei = starPos, starElem+1
	}
}

// resolve returns the value a variable stands for in ctx.
func (e *elem) resolve(ctx *Context) (string, bool) {
	if ctx != nil {
		if vs, ok := ctx.lookup(e.key); ok && len(vs) == 1 {
			return vs[0], true
		}
	}
	if e.hasDefault {
		return e.text, true
	}
	return "", false
}

func hasPrefix(s, prefix string, fold bool) bool {
	if len(s) < len(prefix) {
		return false
	}
	if fold {
		return strings.EqualFold(s[:len(prefix)], prefix)
	}
	return s[:len(prefix)] == prefix
}
