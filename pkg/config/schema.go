package config

import "github.com/tweetpay/tweetpay/internal/yamlcheck"

// schema lists every key tweetpay.yaml may hold. A key not listed here is an
// error, with the closest known key suggested.
var schema = yamlcheck.Map(map[string]*yamlcheck.Field{
	"merchant": yamlcheck.Map(map[string]*yamlcheck.Field{
		"handle":   yamlcheck.String,
		"country":  yamlcheck.String,
		"currency": yamlcheck.String,
		"user_id":  yamlcheck.String,
	}),
	"stripe": yamlcheck.Map(map[string]*yamlcheck.Field{
		"backend":  yamlcheck.String,
		"api_key":  yamlcheck.String,
		"api_base": yamlcheck.String,
		"timeout":  yamlcheck.String,
	}),
	"state_dir":    yamlcheck.String,
	"lock_timeout": yamlcheck.String,
	"offers":       yamlcheck.Seq(yamlcheck.Offer),
	"buyers":       yamlcheck.Seq(yamlcheck.Buyer),
})
