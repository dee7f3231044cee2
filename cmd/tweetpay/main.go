// Command tweetpay creates tweetable offers, simulates the buyers' tweets and
// inspects the resulting Stripe charges.
package main

import (
	"os"

	"github.com/tweetpay/tweetpay/pkg/cmd/root"
)

func main() {
	os.Exit(root.Main())
}
