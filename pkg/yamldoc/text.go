package yamldoc

import (
	"strings"
	"unicode/utf8"
)

// text indexes the lines of a YAML source so that node positions (1-based
// line and column, columns counted in characters as yaml.v3 does) can be
// turned into byte offsets.
type text struct {
	src   []byte
	start []int // byte offset where each line begins
}

func newText(src []byte) *text {
	t := &text{src: src, start: []int{0}}
	for i, b := range src {
		if b == '\n' && i+1 < len(src) {
			t.start = append(t.start, i+1)
		}
	}
	if len(src) == 0 {
		t.start = t.start[:1]
	}
	return t
}

func (t *text) lines() int { return len(t.start) }

// lineEnd returns the offset of the line break ("\n" or "\r\n") ending
// line i, or len(src).
func (t *text) lineEnd(i int) int {
	end := len(t.src)
	if i+1 < len(t.start) {
		end = t.start[i+1] - 1
	} else if end > 0 && t.src[end-1] == '\n' {
		end--
	}
	if end > t.start[i] && t.src[end-1] == '\r' && end < len(t.src) {
		end--
	}
	return end
}

// next returns the offset just after line i and its newline.
func (t *text) next(i int) int {
	if i+1 < len(t.start) {
		return t.start[i+1]
	}
	return len(t.src)
}

func (t *text) line(i int) string { return string(t.src[t.start[i]:t.lineEnd(i)]) }

// offset converts a yaml.v3 position (1-based line and character column) to a byte offset.
func (t *text) offset(line, col int) int {
	if line < 1 {
		return 0
	}
	if line > len(t.start) {
		return len(t.src)
	}
	off := t.start[line-1]
	end := t.lineEnd(line - 1)
	for c := 1; c < col && off < end; c++ {
		_, w := utf8.DecodeRune(t.src[off:end])
		off += w
	}
	return off
}

// lineOf returns the 0-based line holding byte offset off.
func (t *text) lineOf(off int) int {
	lo, hi := 0, len(t.start)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if t.start[mid] <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// colOf returns the 0-based byte column of offset off within its line.
func (t *text) colOf(off int) int { return off - t.start[t.lineOf(off)] }

func (t *text) indent(i int) int {
	s := t.line(i)
	return len(s) - len(strings.TrimLeft(s, " "))
}

func (t *text) blank(i int) bool { return strings.TrimSpace(t.line(i)) == "" }

func (t *text) comment(i int) bool {
	return strings.HasPrefix(strings.TrimLeft(t.line(i), " \t"), "#")
}

// dashAt reports whether line i has a block sequence dash as its first character.
func (t *text) dashAt(i int) bool {
	s := strings.TrimLeft(t.line(i), " ")
	return s == "-" || strings.HasPrefix(s, "- ") || strings.HasPrefix(s, "-\t")
}

// blockEnd returns the last line of the block that starts on line first and
// is owned by a key or dash at column owner: the following lines indented
// deeper than owner (and, with dash, sequence entries at owner's column),
// with blank and comment lines in between, and the comment lines indented
// deeper than owner that directly follow (foot comments).
func (t *text) blockEnd(first, owner int, dash bool) int {
	end := first
	for i := first + 1; i < t.lines(); i++ {
		if t.blank(i) || t.comment(i) {
			continue
		}
		if ind := t.indent(i); ind > owner || (dash && ind == owner && t.dashAt(i)) {
			end = i
			continue
		}
		break
	}
	for i := end + 1; i < t.lines(); i++ {
		if t.blank(i) || !t.comment(i) || t.indent(i) <= owner {
			break
		}
		end = i
	}
	return end
}

// headStart returns the first of the comment lines directly above line i
// (no blank line between) indented exactly at col, or i when there are none.
func (t *text) headStart(i, col int) int {
	for i > 0 && t.comment(i-1) && !t.blank(i-1) && t.indent(i-1) == col {
		i--
	}
	return i
}

// flowEnd returns the offset just past the flow collection starting at off
// ('[' or '{'), or -1 when it is not closed.
func (t *text) flowEnd(off int) int {
	depth := 0
	s := t.src
	for i := off; i < len(s); i++ {
		switch c := s[i]; c {
		case '[', '{':
			depth++
		case ']', '}':
			depth--
			if depth == 0 {
				return i + 1
			}
		case '"', '\'':
			e := quotedEnd(s, i)
			if e < 0 {
				return -1
			}
			i = e - 1
		case '#':
			if i > 0 && (s[i-1] == ' ' || s[i-1] == '\t' || s[i-1] == '\n') {
				for i < len(s) && s[i] != '\n' {
					i++
				}
			}
		}
	}
	return -1
}

// quotedEnd returns the offset just past the quoted scalar starting at off,
// or -1 when it is not closed.
func quotedEnd(s []byte, off int) int {
	q := s[off]
	for i := off + 1; i < len(s); i++ {
		switch {
		case q == '"' && s[i] == '\\':
			i++
		case s[i] == q:
			if q == '\'' && i+1 < len(s) && s[i+1] == '\'' {
				i++
				continue
			}
			return i + 1
		}
	}
	return -1
}

// plainEnd returns the offset just past a one-line plain scalar starting at
// off: the end of the line, or the start of a comment, minus trailing blanks.
func (t *text) plainEnd(off int) int {
	end := t.lineEnd(t.lineOf(off))
	s := t.src
	for i := off; i < end; i++ {
		if s[i] == '#' && i > off && (s[i-1] == ' ' || s[i-1] == '\t') {
			end = i
			break
		}
	}
	for end > off && (s[end-1] == ' ' || s[end-1] == '\t' || s[end-1] == '\r') {
		end--
	}
	return end
}
