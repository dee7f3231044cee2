package offer

import (
	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/pkg/tweet"
	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

// MatchNode returns a matcher for yamldoc's Update, Replace and Remove that
// picks the offers entry whose hashtag or gift_handle is tag ('#' or '@'
// optional), compared as Find compares them.
func MatchNode(tag string) func(*yaml.Node) bool {
	t := stripSign(tag, "#＃@＠")
	return func(n *yaml.Node) bool {
		if t == "" {
			return false
		}
		for _, f := range []string{"hashtag", "gift_handle"} {
			if v := stripSign(yamldoc.Scalar(n, f), "#＃@＠"); v != "" && tweet.SameTag(v, t) {
				return true
			}
		}
		return false
	}
}
