// Command trustgate is AWS multi-account access control as one binary.
//
// Subcommands:
//
//	trustgate serve [--listen --data --region]  serve Organizations, IAM, STS and S3 on one endpoint
//	trustgate simulate FILE...            decide the requests in scenario files and explain why
//	trustgate validate --kind KIND FILE   check a policy document as IAM would
package main

import (
	"fmt"
	"os"

	"github.com/spf13/cobra"
)

func main() {
	if err := newRoot().Execute(); err != nil {
		fmt.Fprintln(os.Stderr, "trustgate:", err)
		os.Exit(1)
	}
}

// newRoot builds the command tree.
func newRoot() *cobra.Command {
	root := &cobra.Command{
		Use:           "trustgate",
		Short:         "AWS multi-account access control: Organizations, IAM, STS and S3 in one binary",
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.AddCommand(serveCommand(), simulateCommand(), validateCommand())
	return root
}
