// Package store defines how trustgate keeps its domain: the interface
// every backend implements. Package storetest is the conformance suite
// every backend must pass; store/sqlite is the embedded default.
package store

import (
	"context"

	"github.com/trustgate/trustgate"
)

// Store keeps the organization, its accounts and their IAM entities.
// Every method is atomic and durable once it returns: nothing acknowledged
// is lost when the process dies.
type Store interface {
	// Organization returns the organization. Returns ErrNotFound before
	// the first start has created it.
	Organization(ctx context.Context) (*trustgate.Organization, error)
	// CreateOrganization creates the organization with its management
	// account and the root user's first access key, all or nothing.
	// Returns ErrConflict when an organization exists.
	CreateOrganization(ctx context.Context, org *trustgate.Organization, management *trustgate.Account, rootKey *trustgate.AccessKey) error

	// Account returns an account. Returns ErrNotFound.
	Account(ctx context.Context, id string) (*trustgate.Account, error)
	// Accounts lists every account, ordered by id.
	Accounts(ctx context.Context) ([]*trustgate.Account, error)
	// CreateAccount adds an account. Returns ErrConflict for a taken id.
	CreateAccount(ctx context.Context, a *trustgate.Account) error

	// AccessKey returns an access key with its secret. Returns ErrNotFound.
	AccessKey(ctx context.Context, id string) (*trustgate.AccessKey, error)
	// CreateAccessKey adds an access key. Returns ErrConflict for a taken
	// id, ErrNotFound when its account or user does not exist.
	CreateAccessKey(ctx context.Context, k *trustgate.AccessKey) error
	// AccessKeys lists the keys of a user ("" for the root user), oldest
	// first.
	AccessKeys(ctx context.Context, account, userName string) ([]*trustgate.AccessKey, error)
	// UpdateAccessKeyStatus sets a key Active or Inactive. Returns ErrNotFound.
	UpdateAccessKeyStatus(ctx context.Context, account, id, status string) error
	// DeleteAccessKey removes a key. Returns ErrNotFound.
	DeleteAccessKey(ctx context.Context, account, id string) error

	// User returns a user; names are case-insensitive. Returns ErrNotFound.
	User(ctx context.Context, account, name string) (*trustgate.User, error)
	// CreateUser adds a user. Returns ErrConflict when the name is taken
	// in any case, ErrNotFound when the account does not exist.
	CreateUser(ctx context.Context, u *trustgate.User) error
	// Users lists an account's users whose path starts with pathPrefix,
	// ordered by name.
	Users(ctx context.Context, account, pathPrefix string) ([]*trustgate.User, error)
	// DeleteUser removes a user. Returns ErrNotFound, or ErrConflict
	// while the user still has access keys.
	DeleteUser(ctx context.Context, account, name string) error

	// Close releases the store.
	Close() error
}
