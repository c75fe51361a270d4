package main

import (
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/spf13/cobra"

	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/authz/scenario"
	"github.com/trustgate/trustgate/policy"
)

func simulateCommand() *cobra.Command {
	return &cobra.Command{
		Use:   "simulate FILE...",
		Short: "Decide the requests in scenario files and explain each decision",
		Long: `simulate reads scenario files (the format of authz/testdata/corpus: a
request, the policies around it, and optionally the decision expected) and
decides each request with the same evaluator the server uses. It prints the
decision, the policy type that decided, and every statement that applied.
It exits with status 1 when a case does not get the decision it expects.`,
		Args: cobra.MinimumNArgs(1),
		RunE: func(cmd *cobra.Command, files []string) error {
			failed := 0
			for _, file := range files {
				cases, err := scenario.Load(file)
				if err != nil {
					return fmt.Errorf("%s: %w", file, err)
				}
				for _, c := range cases {
					ok, err := simulate(cmd.OutOrStdout(), &c)
					if err != nil {
						return fmt.Errorf("%s: case %q: %w", file, c.Name, err)
					}
					if !ok {
						failed++
					}
				}
			}
			if failed > 0 {
				return fmt.Errorf("%d case(s) did not get the decision they expect", failed)
			}
			return nil
		},
	}
}

// simulate decides one case and prints the explanation; it reports false
// when the case expects another decision.
func simulate(w io.Writer, c *scenario.Case) (bool, error) {
	req, err := c.Build()
	if err != nil {
		return false, err
	}
	r := authz.Explain(req)
	caller := req.Caller.ARN
	if caller == "" {
		caller = req.Caller.Kind.String()
	}
	fmt.Fprintf(w, "%s\n  %s %s on %s\n  => %s: %s", c.Name, caller, req.Action, req.Resource, r.Decision, r.Summary(req.Action))
	if r.Statement != nil {
		fmt.Fprintf(w, " (%s)", r.Statement)
	}
	fmt.Fprintln(w)
	for _, m := range r.Matched {
		how := ""
		if m.Statement.Principal != nil {
			how = ", principal " + m.Principal.String()
		}
		fmt.Fprintf(w, "     applied: %s %s%s\n", m.Statement.Effect, m.Statement, how)
	}
	if c.Expect == nil {
		return true, nil
	}
	if r.Decision.String() != c.Expect.Decision || (c.Expect.By != "" && scenario.ShortType(r.Type) != c.Expect.By) {
		fmt.Fprintf(w, "  !! expected %s", c.Expect.Decision)
		if c.Expect.By != "" {
			fmt.Fprintf(w, " by %s", c.Expect.By)
		}
		fmt.Fprintln(w)
		return false, nil
	}
	return true, nil
}

func validateCommand() *cobra.Command {
	var kindName string
	cmd := &cobra.Command{
		Use:   "validate --kind KIND FILE",
		Short: "Check a policy document as IAM, S3 or Organizations would",
		Long: `validate reads a policy document (or - for standard input) and checks it
as the kind of policy given: identity, trust, resource, scp, rcp or session.
It prints what is wrong in AWS's words, or the statements it understood.`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			kind, ok := policyKinds[kindName]
			if !ok {
				return fmt.Errorf("unknown --kind %q; use one of %s", kindName, strings.Join(kindNames(), ", "))
			}
			var doc []byte
			var err error
			if args[0] == "-" {
				doc, err = io.ReadAll(cmd.InOrStdin())
			} else {
				doc, err = os.ReadFile(args[0])
			}
			if err != nil {
				return err
			}
			p, err := policy.Parse(string(doc), kind)
			var perr *policy.Error
			if errors.As(err, &perr) {
				return fmt.Errorf("MalformedPolicyDocument: %s", perr.Message)
			} else if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "valid %s policy, %d characters as IAM counts them, %d statement(s)\n", kind, policy.Size(doc), len(p.Statements))
			for _, s := range p.Statements {
				fmt.Fprintf(w, "  %s %s\n", s.Effect, s)
			}
			return nil
		},
	}
	cmd.Flags().StringVar(&kindName, "kind", "identity", "the kind of policy: "+strings.Join(kindNames(), ", "))
	return cmd
}

var policyKinds = map[string]policy.Kind{
	"identity": policy.Identity,
	"trust":    policy.Trust,
	"resource": policy.Resource,
	"scp":      policy.ServiceControl,
	"rcp":      policy.ResourceControl,
	"session":  policy.Session,
}

func kindNames() []string {
	return []string{"identity", "trust", "resource", "scp", "rcp", "session"}
}
