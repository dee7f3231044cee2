package cmdutil

import (
	"bufio"
	"fmt"
	"strings"

	"github.com/tweetpay/tweetpay/pkg/iostreams"
)

// Confirm asks a yes/no question on the terminal and reads one line of
// answer; the default, also at the end of input, is no. Callers prompt only
// when ios.CanPrompt (see ConfirmFlag).
func Confirm(ios *iostreams.IOStreams, question string) bool {
	fmt.Fprintf(ios.ErrOut, "%s [y/N] ", question)
	line, _ := bufio.NewReader(ios.In).ReadString('\n')
	switch strings.ToLower(strings.TrimSpace(line)) {
	case "y", "yes":
		return true
	}
	return false
}
