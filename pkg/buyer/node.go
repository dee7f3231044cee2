package buyer

import (
	"go.yaml.in/yaml/v3"

	"github.com/tweetpay/tweetpay/pkg/yamldoc"
)

// MatchNode returns a matcher for yamldoc's Update, Replace and Remove that
// picks the buyers entry whose handle is h, compared as SameHandle does.
func MatchNode(h string) func(*yaml.Node) bool {
	k := Key(h)
	return func(n *yaml.Node) bool {
		return k != "" && Key(yamldoc.Scalar(n, "handle")) == k
	}
}
