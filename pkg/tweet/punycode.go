package tweet

import "unicode/utf8"

// Punycode (RFC 3492) parameters.
const (
	pcBase        = 36
	pcTMin        = 1
	pcTMax        = 26
	pcSkew        = 38
	pcDamp        = 700
	pcInitialBias = 72
	pcInitialN    = 128
)

func pcAdapt(delta, numPoints int, first bool) int {
	if first {
		delta /= pcDamp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := 0
	for delta > ((pcBase-pcTMin)*pcTMax)/2 {
		delta /= pcBase - pcTMin
		k += pcBase
	}
	return k + (pcBase-pcTMin+1)*delta/(delta+pcSkew)
}

// punycodeLength returns the length of the punycode encoding of label (without
// the "xn--" prefix). Labels too long to ever fit in a DNS label return a
// length over 63 without being encoded.
func punycodeLength(label string) int {
	var buf [64]rune
	n := utf8.RuneCountInString(label)
	if n+4 > maxLabelLength {
		return n + 1
	}
	cps := buf[:0]
	for _, r := range label {
		cps = append(cps, r)
	}
	basic := 0
	for _, c := range cps {
		if c < 0x80 {
			basic++
		}
	}
	out := basic
	if basic > 0 {
		out++
	}
	cur, delta, bias := rune(pcInitialN), 0, pcInitialBias
	for h := basic; h < len(cps); {
		m := rune(0x7FFFFFFF)
		for _, c := range cps {
			if c >= cur && c < m {
				m = c
			}
		}
		delta += int(m-cur) * (h + 1)
		cur = m
		for _, c := range cps {
			if c < cur {
				delta++
			}
			if c == cur {
				q := delta
				for k := pcBase; ; k += pcBase {
					t := k - bias
					if t < pcTMin {
						t = pcTMin
					} else if t > pcTMax {
						t = pcTMax
					}
					if q < t {
						break
					}
					out++
					q = (q - t) / (pcBase - t)
				}
				out++
				bias = pcAdapt(delta, h+1, h == basic)
				delta = 0
				h++
			}
		}
		delta++
		cur++
	}
	return out
}
