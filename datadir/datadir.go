// Package datadir opens a trustgate data directory: its deployment key,
// its embedded store and, on the first start in an empty directory, the
// organization with its management account and the root user's access
// key, written to root-credentials.json.
package datadir

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"github.com/trustgate/trustgate/blobs"
	"os"
	"path/filepath"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/secret"
	"github.com/trustgate/trustgate/store"
	"github.com/trustgate/trustgate/store/sqlite"
)

// Files inside a data directory.
const (
	KeyFile             = "deployment.key"
	DatabaseFile        = "trustgate.db"
	RootCredentialsFile = "root-credentials.json"
	// BlobsDir holds the bodies of S3 objects.
	BlobsDir = "objects"
)

// Dir is an open data directory.
type Dir struct {
	Path  string
	Store store.Store
	Blobs *blobs.Store
	Org   *trustgate.Organization
	// Key is the deployment key; it seals secrets at rest and session
	// tokens.
	Key []byte
	// Created is set when this start created the organization.
	Created bool
}

// RootCredentials is the content of root-credentials.json.
type RootCredentials struct {
	AccountId       string
	AccessKeyId     string
	SecretAccessKey string
}

// Open opens the data directory at path, creating it and the organization
// when it is empty.
func Open(ctx context.Context, path string, now time.Time) (*Dir, error) {
	if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("creating data directory: %w", err)
	}
	key, err := secret.LoadOrCreateKey(filepath.Join(path, KeyFile))
	if err != nil {
		return nil, fmt.Errorf("deployment key: %w", err)
	}
	sealer, err := secret.NewSealer(key, "access keys")
	if err != nil {
		return nil, err
	}
	db, err := sqlite.Open(filepath.Join(path, DatabaseFile), sealer)
	if err != nil {
		return nil, err
	}
	bl, err := blobs.Open(filepath.Join(path, BlobsDir))
	if err != nil {
		db.Close()
		return nil, err
	}
	d := &Dir{Path: path, Store: db, Blobs: bl, Key: key}
	d.Org, err = db.Organization(ctx)
	if errors.Is(err, trustgate.ErrNotFound) {
		d.Org, err = d.firstStart(ctx, now)
		d.Created = err == nil
	}
	if err != nil {
		db.Close()
		return nil, err
	}
	return d, nil
}

// firstStart creates the organization, its management account and the
// root user's access key, then writes root-credentials.json.
func (d *Dir) firstStart(ctx context.Context, now time.Time) (*trustgate.Organization, error) {
	now = now.UTC()
	org := &trustgate.Organization{ID: ids.Organization(), RootID: ids.OrganizationRoot(), ManagementAccount: ids.Account(), CreatedAt: now}
	mgmt := &trustgate.Account{
		ID: org.ManagementAccount, Name: "Management", Email: "management@trustgate.invalid",
		ParentID: org.RootID, Status: "ACTIVE", JoinedAt: now, CreatedAt: now,
	}
	key := &trustgate.AccessKey{
		ID: ids.AccessKeyID(ids.LongTermKey, mgmt.ID), Secret: ids.SecretAccessKey(),
		Account: mgmt.ID, Status: trustgate.KeyActive, CreatedAt: now,
	}
	if err := d.Store.CreateOrganization(ctx, org, mgmt, key); err != nil {
		return nil, fmt.Errorf("creating the organization: %w", err)
	}
	creds := RootCredentials{AccountId: mgmt.ID, AccessKeyId: key.ID, SecretAccessKey: key.Secret}
	if err := writeFileAtomic(filepath.Join(d.Path, RootCredentialsFile), creds); err != nil {
		return nil, fmt.Errorf("writing %s: %w", RootCredentialsFile, err)
	}
	return org, nil
}

// ReadRootCredentials reads root-credentials.json of the data directory
// at path.
func ReadRootCredentials(path string) (*RootCredentials, error) {
	b, err := os.ReadFile(filepath.Join(path, RootCredentialsFile))
	if err != nil {
		return nil, err
	}
	var c RootCredentials
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("%s: %w", RootCredentialsFile, err)
	}
	return &c, nil
}

// writeFileAtomic writes v as JSON with mode 0600 through a synced
// temporary file and a rename, so the file is never seen half-written.
func writeFileAtomic(path string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return err
	}
	if _, err := tmp.Write(append(b, '\n')); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// Close closes the store.
func (d *Dir) Close() error { return d.Store.Close() }
