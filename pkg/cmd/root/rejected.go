package root

import (
	"errors"

	"github.com/tweetpay/tweetpay/pkg/buyer"
	"github.com/tweetpay/tweetpay/pkg/charges"
	"github.com/tweetpay/tweetpay/pkg/money"
	"github.com/tweetpay/tweetpay/pkg/offer"
	"github.com/tweetpay/tweetpay/pkg/payment"
	"github.com/tweetpay/tweetpay/pkg/scenario"
	"github.com/tweetpay/tweetpay/pkg/shop"
	"github.com/tweetpay/tweetpay/pkg/stream"
	"github.com/tweetpay/tweetpay/pkg/tweet"
)

// rejectedErrors are the sentinels of input that tweetpay refuses (exit 3).
var rejectedErrors = []error{
	payment.ErrNotFound,
	payment.ErrInvalidRequest,
	charges.ErrNotRefundable,
	tweet.ErrParse,
	tweet.ErrPayload,
	shop.ErrBadTweet,
	offer.ErrInvalid,
	buyer.ErrInvalid,
	money.ErrInvalid,
	scenario.ErrInvalid,
	stream.ErrBadLines,
	stream.ErrStopped,
}

func isRejected(err error) bool {
	for _, s := range rejectedErrors {
		if errors.Is(err, s) {
			return true
		}
	}
	return false
}
