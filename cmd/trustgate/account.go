package main

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/datadir"
	"github.com/trustgate/trustgate/ids"
)

// accountCommand adds a member account straight to a data directory, with
// a root access key: the way to get a second account until the
// Organizations API serves CreateAccount. It works while the server runs.
func accountCommand() *cobra.Command {
	var data, name string
	cmd := &cobra.Command{
		Use:   "create-account --data DIR --name NAME",
		Short: "Add a member account with a root access key (until Organizations CreateAccount is served)",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			dir, err := datadir.Open(cmd.Context(), data, time.Now())
			if err != nil {
				return err
			}
			defer dir.Close()
			now := time.Now().UTC()
			a := &trustgate.Account{ID: ids.Account(), Name: name, Email: name + "@trustgate.invalid",
				ParentID: dir.Org.RootID, Status: "ACTIVE", JoinedAt: now, CreatedAt: now}
			if err := dir.Store.CreateAccount(cmd.Context(), a); err != nil {
				return fmt.Errorf("creating account %s: %w", name, err)
			}
			k := &trustgate.AccessKey{ID: ids.AccessKeyID(ids.LongTermKey), Secret: ids.SecretAccessKey(),
				Account: a.ID, Status: trustgate.KeyActive, CreatedAt: now}
			if err := dir.Store.CreateAccessKey(cmd.Context(), k); err != nil {
				return fmt.Errorf("creating the root key of account %s: %w", a.ID, err)
			}
			enc := json.NewEncoder(cmd.OutOrStdout())
			enc.SetIndent("", "  ")
			return enc.Encode(datadir.RootCredentials{AccountId: a.ID, AccessKeyId: k.ID, SecretAccessKey: k.Secret})
		},
	}
	cmd.Flags().StringVar(&data, "data", "./trustgate-data", "data directory")
	cmd.Flags().StringVar(&name, "name", "", "the account's name")
	cmd.MarkFlagRequired("name")
	return cmd
}
