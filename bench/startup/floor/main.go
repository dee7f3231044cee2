// Command floor is a hello world that links the libraries tweetpay is built
// on and runs their package initialisation, and nothing of tweetpay: the
// start-up time any CLI made of these dependencies pays before its own code
// runs. bench/startup/run.sh measures it beside tweetpay and hello.
package main

import (
	"fmt"

	_ "github.com/olekukonko/tablewriter"
	_ "github.com/spf13/cobra"
	_ "github.com/spf13/viper"
	_ "github.com/stripe/stripe-go/v76"
	_ "github.com/valyala/fastjson"
	_ "go.etcd.io/bbolt"
	_ "go.yaml.in/yaml/v3"
	_ "golang.org/x/text/cases"
	_ "golang.org/x/text/unicode/norm"
)

func main() {
	fmt.Println("hello, world")
}
