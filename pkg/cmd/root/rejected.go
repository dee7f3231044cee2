package root

import (
	"errors"

	"github.com/tweetpay/tweetpay/pkg/payment"
)

// rejectedErrors are the sentinels of input that tweetpay refuses (exit 3).
var rejectedErrors = []error{
	payment.ErrNotFound,
	payment.ErrInvalidRequest,
}

func isRejected(err error) bool {
	for _, s := range rejectedErrors {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
