// Package storetest is the conformance suite every store backend must
// pass: call Run from the backend's tests with a function that opens a
// fresh, empty store.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// Opener opens a new, empty store for one test.
type Opener func(t *testing.T) store.Store

// Run runs the whole suite against the backend.
func Run(t *testing.T, open Opener) {
	t.Run("Organization", func(t *testing.T) { testOrganization(t, open(t)) })
	t.Run("Accounts", func(t *testing.T) { testAccounts(t, open(t)) })
	t.Run("Organizations", func(t *testing.T) { testOrganizations(t, open(t)) })
	t.Run("AccessKeys", func(t *testing.T) { testAccessKeys(t, open(t)) })
	t.Run("Users", func(t *testing.T) { testUsers(t, open(t)) })
	t.Run("Groups", func(t *testing.T) { testGroups(t, open(t)) })
	t.Run("Roles", func(t *testing.T) { testRoles(t, open(t)) })
	t.Run("Policies", func(t *testing.T) { testPolicies(t, open(t)) })
	t.Run("ManagedPolicies", func(t *testing.T) { testManagedPolicies(t, open(t)) })
	t.Run("UserUpdate", func(t *testing.T) { testUserUpdate(t, open(t)) })
	t.Run("GroupUpdate", func(t *testing.T) { testGroupUpdate(t, open(t)) })
	t.Run("ConcurrentUpdates", func(t *testing.T) { testConcurrentUpdates(t, open(t)) })
	t.Run("LoginProfiles", func(t *testing.T) { testLoginProfiles(t, open(t)) })
	t.Run("AccountAliases", func(t *testing.T) { testAccountAliases(t, open(t)) })
	t.Run("MFA", func(t *testing.T) { testMFA(t, open(t)) })
	t.Run("Buckets", func(t *testing.T) { testBuckets(t, open(t)) })
	t.Run("AccountPublicAccessBlock", func(t *testing.T) { testAccountPublicAccessBlock(t, open(t)) })
	t.Run("AccessPoints", func(t *testing.T) { testAccessPoints(t, open(t)) })
	t.Run("BucketConfigurations", func(t *testing.T) { testBucketConfigurations(t, open(t)) })
	t.Run("Objects", func(t *testing.T) { testObjects(t, open(t)) })
	t.Run("Multipart", func(t *testing.T) { testMultipart(t, open(t)) })
	t.Run("Versions", func(t *testing.T) { testVersions(t, open(t)) })
	t.Run("ObjectLock", func(t *testing.T) { testObjectLock(t, open(t)) })
	t.Run("Replication", func(t *testing.T) { testReplication(t, open(t)) })
	t.Run("Atomically", func(t *testing.T) { testAtomically(t, open(t)) })
}

var (
	ctx = context.Background()
	t0  = time.Date(2026, 11, 22, 12, 0, 0, 123456789, time.UTC)
)

const mgmt = "111111111111"

// seed creates the organization with its management account and root key.
func seed(t *testing.T, s store.Store) {
	t.Helper()
	SeedForTest(t, s, "root-secret")
}

func wantErr(t *testing.T, call string, err, want error) {
	t.Helper()
	if !errors.Is(err, want) {
		t.Errorf("%s = %v, want %v", call, err, want)
	}
}

func testOrganization(t *testing.T, s store.Store) {
	_, err := s.Organization(ctx)
	wantErr(t, "Organization before creation", err, trustgate.ErrNotFound)
	seed(t, s)
	o, err := s.Organization(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if o.ID != "o-a1b2c3d4e5" || o.RootID != "r-ab12" || o.ManagementAccount != mgmt || !o.CreatedAt.Equal(t0) {
		t.Errorf("Organization = %+v", o)
	}
	err = s.CreateOrganization(ctx, &trustgate.Organization{ID: "o-other"},
		&trustgate.Account{ID: "999999999999"}, &trustgate.AccessKey{ID: "AKIAOTHER"})
	wantErr(t, "second CreateOrganization", err, trustgate.ErrConflict)
	if _, err := s.Account(ctx, "999999999999"); !errors.Is(err, trustgate.ErrNotFound) {
		t.Errorf("a failed CreateOrganization left its account behind: %v", err)
	}
	k, err := s.AccessKey(ctx, SeedKeyID)
	if err != nil || k.Secret != "root-secret" || !k.IsRoot() {
		t.Errorf("root key = %+v, %v", k, err)
	}
}

func testAccounts(t *testing.T, s store.Store) {
	seed(t, s)
	dev := &trustgate.Account{ID: "222222222222", Name: "Development", Email: "dev@example.com", ParentID: "ou-ab12-dev", Status: "ACTIVE", JoinedAt: t0, CreatedAt: t0}
	if err := s.CreateAccount(ctx, dev); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "CreateAccount twice", s.CreateAccount(ctx, dev), trustgate.ErrConflict)
	got, err := s.Account(ctx, "222222222222")
	if err != nil || *got != *dev {
		t.Errorf("Account = %+v, %v; want %+v", got, err, dev)
	}
	_, err = s.Account(ctx, "333333333333")
	wantErr(t, "Account(unknown)", err, trustgate.ErrNotFound)
	all, err := s.Accounts(ctx)
	if err != nil || len(all) != 2 || all[0].ID != mgmt || all[1].ID != "222222222222" {
		t.Errorf("Accounts = %v, %v", all, err)
	}
}

func testAccessKeys(t *testing.T, s store.Store) {
	seed(t, s)
	if err := s.CreateUser(ctx, &trustgate.User{Account: mgmt, Name: "alice", ID: "AIDAALICE", Path: "/", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	k1 := &trustgate.AccessKey{ID: "AKIAALICE1", Secret: "s1", Account: mgmt, UserName: "alice", Status: trustgate.KeyActive, CreatedAt: t0}
	k2 := &trustgate.AccessKey{ID: "AKIAALICE2", Secret: "s2", Account: mgmt, UserName: "alice", Status: trustgate.KeyActive, CreatedAt: t0.Add(time.Second)}
	for _, k := range []*trustgate.AccessKey{k2, k1} {
		if err := s.CreateAccessKey(ctx, k); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, "CreateAccessKey(duplicate id)", s.CreateAccessKey(ctx, k1), trustgate.ErrConflict)
	wantErr(t, "CreateAccessKey(unknown user)", s.CreateAccessKey(ctx,
		&trustgate.AccessKey{ID: "AKIABOB", Secret: "x", Account: mgmt, UserName: "bob", Status: trustgate.KeyActive, CreatedAt: t0}), trustgate.ErrNotFound)
	wantErr(t, "CreateAccessKey(unknown account)", s.CreateAccessKey(ctx,
		&trustgate.AccessKey{ID: "AKIANOWHERE", Secret: "x", Account: "999999999999", Status: trustgate.KeyActive, CreatedAt: t0}), trustgate.ErrNotFound)

	keys, err := s.AccessKeys(ctx, mgmt, "alice")
	if err != nil || len(keys) != 2 || keys[0].ID != "AKIAALICE1" || keys[1].ID != "AKIAALICE2" || keys[1].Secret != "s2" {
		t.Fatalf("AccessKeys(alice) = %v, %v; want both keys, oldest first", keys, err)
	}
	if err := s.UpdateAccessKeyStatus(ctx, mgmt, "AKIAALICE1", trustgate.KeyInactive); err != nil {
		t.Fatal(err)
	}
	if k, _ := s.AccessKey(ctx, "AKIAALICE1"); k == nil || k.Status != trustgate.KeyInactive {
		t.Errorf("status after update = %+v", k)
	}
	wantErr(t, "UpdateAccessKeyStatus(other account)", s.UpdateAccessKeyStatus(ctx, "222222222222", "AKIAALICE1", trustgate.KeyActive), trustgate.ErrNotFound)
	wantErr(t, "DeleteUser(with keys)", s.DeleteUser(ctx, mgmt, "alice"), trustgate.ErrConflict)
	for _, id := range []string{"AKIAALICE1", "AKIAALICE2"} {
		if err := s.DeleteAccessKey(ctx, mgmt, id); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, "DeleteAccessKey twice", s.DeleteAccessKey(ctx, mgmt, "AKIAALICE1"), trustgate.ErrNotFound)
	if use, err := s.AccessKeyLastUsed(ctx, SeedKeyID); err != nil || !use.At.IsZero() || use.Service != "" {
		t.Errorf("AccessKeyLastUsed before any use = %+v, %v", use, err)
	}
	use := trustgate.KeyUse{At: t0, Service: "sts", Region: "eu-west-1"}
	if err := s.RecordAccessKeyUse(ctx, SeedKeyID, use); err != nil {
		t.Fatal(err)
	}
	if got, err := s.AccessKeyLastUsed(ctx, SeedKeyID); err != nil || !got.At.Equal(t0) || got.Service != "sts" || got.Region != "eu-west-1" {
		t.Errorf("AccessKeyLastUsed = %+v, %v; want %+v", got, err, use)
	}
	wantErr(t, "RecordAccessKeyUse(deleted key)", s.RecordAccessKeyUse(ctx, "AKIAALICE1", use), trustgate.ErrNotFound)
	_, err = s.AccessKeyLastUsed(ctx, "AKIAALICE1")
	wantErr(t, "AccessKeyLastUsed(deleted key)", err, trustgate.ErrNotFound)
	_, err = s.AccessKey(ctx, "AKIAALICE1")
	wantErr(t, "AccessKey(deleted)", err, trustgate.ErrNotFound)
	if err := s.DeleteUser(ctx, mgmt, "alice"); err != nil {
		t.Errorf("DeleteUser after its keys are gone: %v", err)
	}
}

func testUsers(t *testing.T, s store.Store) {
	seed(t, s)
	for _, u := range []*trustgate.User{
		{Account: mgmt, Name: "bob", ID: "AIDABOB", Path: "/eng/", CreatedAt: t0},
		{Account: mgmt, Name: "alice", ID: "AIDAALICE", Path: "/", CreatedAt: t0},
		{Account: mgmt, Name: "carol", ID: "AIDACAROL", Path: "/eng/data/", CreatedAt: t0},
	} {
		if err := s.CreateUser(ctx, u); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, "CreateUser(same name, other case)", s.CreateUser(ctx,
		&trustgate.User{Account: mgmt, Name: "ALICE", ID: "AIDAALICE2", Path: "/", CreatedAt: t0}), trustgate.ErrConflict)
	wantErr(t, "CreateUser(unknown account)", s.CreateUser(ctx,
		&trustgate.User{Account: "999999999999", Name: "x", ID: "AIDAX", Path: "/", CreatedAt: t0}), trustgate.ErrNotFound)
	u, err := s.User(ctx, mgmt, "Alice")
	if err != nil || u.Name != "alice" || u.ID != "AIDAALICE" || u.ARN() != "arn:aws:iam::111111111111:user/alice" {
		t.Errorf("User(Alice) = %+v, %v", u, err)
	}
	all, err := s.Users(ctx, mgmt, "/")
	if err != nil || len(all) != 3 || all[0].Name != "alice" || all[2].Name != "carol" {
		t.Errorf("Users(/) = %v, %v", all, err)
	}
	eng, err := s.Users(ctx, mgmt, "/eng/")
	if err != nil || len(eng) != 2 {
		t.Errorf("Users(/eng/) = %v, %v; want bob and carol", eng, err)
	}
	if err := s.DeleteUser(ctx, mgmt, "BOB"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteUser twice", s.DeleteUser(ctx, mgmt, "bob"), trustgate.ErrNotFound)
}

// SeedKeyID is the id of the root key SeedForTest creates, and
// SeedAccount the management account it makes the key's.
const (
	SeedKeyID   = "AKIAROOTROOTROOTROOT"
	SeedAccount = mgmt
)

// SeedForTest creates the organization as the suite does, with the root
// key's secret given, for a backend's own tests.
func SeedForTest(t testing.TB, s store.Store, rootSecret string) {
	t.Helper()
	err := s.CreateOrganization(ctx,
		&trustgate.Organization{ID: "o-a1b2c3d4e5", RootID: "r-ab12", ManagementAccount: mgmt, CreatedAt: t0},
		&trustgate.Account{ID: mgmt, Name: "management", Email: "root@example.com", ParentID: "r-ab12", Status: "ACTIVE", JoinedAt: t0, CreatedAt: t0},
		&trustgate.AccessKey{ID: SeedKeyID, Secret: rootSecret, Account: mgmt, Status: trustgate.KeyActive, CreatedAt: t0})
	if err != nil {
		t.Fatalf("CreateOrganization: %v", err)
	}
}

func mustUser(t *testing.T, s store.Store, name string) {
	t.Helper()
	if err := s.CreateUser(ctx, &trustgate.User{Account: mgmt, Name: name, ID: "AIDA" + name, Path: "/", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
}

func testGroups(t *testing.T, s store.Store) {
	seed(t, s)
	mustUser(t, s, "alice")
	mustUser(t, s, "bob")
	dev := &trustgate.Group{Account: mgmt, Name: "Developers", ID: "AGPADEV", Path: "/", CreatedAt: t0}
	if err := s.CreateGroup(ctx, dev); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "CreateGroup(other case)", s.CreateGroup(ctx, &trustgate.Group{Account: mgmt, Name: "developers", ID: "AGPADEV2", Path: "/", CreatedAt: t0}), trustgate.ErrConflict)
	if g, err := s.Group(ctx, mgmt, "developers"); err != nil || g.ID != "AGPADEV" || g.ARN() != "arn:aws:iam::111111111111:group/Developers" {
		t.Errorf("Group(developers) = %+v, %v", g, err)
	}
	for _, u := range []string{"bob", "alice", "alice"} {
		if err := s.AddUserToGroup(ctx, mgmt, "Developers", u); err != nil {
			t.Fatalf("AddUserToGroup(%s): %v", u, err)
		}
	}
	wantErr(t, "AddUserToGroup(unknown user)", s.AddUserToGroup(ctx, mgmt, "Developers", "carol"), trustgate.ErrNotFound)
	wantErr(t, "AddUserToGroup(unknown group)", s.AddUserToGroup(ctx, mgmt, "Ops", "alice"), trustgate.ErrNotFound)
	members, err := s.GroupMembers(ctx, mgmt, "Developers")
	if err != nil || len(members) != 2 || members[0].Name != "alice" || members[1].Name != "bob" {
		t.Errorf("GroupMembers = %v, %v; want alice and bob once each", members, err)
	}
	groups, err := s.GroupsForUser(ctx, mgmt, "ALICE")
	if err != nil || len(groups) != 1 || groups[0].Name != "Developers" {
		t.Errorf("GroupsForUser(ALICE) = %v, %v", groups, err)
	}
	wantErr(t, "DeleteGroup(with members)", s.DeleteGroup(ctx, mgmt, "Developers"), trustgate.ErrConflict)
	wantErr(t, "DeleteUser(a member)", s.DeleteUser(ctx, mgmt, "alice"), trustgate.ErrConflict)
	for _, u := range []string{"alice", "bob"} {
		if err := s.RemoveUserFromGroup(ctx, mgmt, "Developers", u); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, "RemoveUserFromGroup twice", s.RemoveUserFromGroup(ctx, mgmt, "Developers", "bob"), trustgate.ErrNotFound)
	if err := s.DeleteGroup(ctx, mgmt, "Developers"); err != nil {
		t.Errorf("DeleteGroup once empty: %v", err)
	}
	if gs, err := s.Groups(ctx, mgmt, "/"); err != nil || len(gs) != 0 {
		t.Errorf("Groups after delete = %v, %v", gs, err)
	}
}

func testRoles(t *testing.T, s store.Store) {
	seed(t, s)
	r := &trustgate.Role{Account: mgmt, Name: "StageRole", ID: "AROASTAGE", Path: "/cross/", TrustPolicy: `{"Version":"2012-10-17"}`,
		Description: "staging reads production", MaxSessionDuration: 3600, Tags: []trustgate.Tag{{Key: "team", Value: "data"}}, CreatedAt: t0}
	if err := s.CreateRole(ctx, r); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "CreateRole twice", s.CreateRole(ctx, r), trustgate.ErrConflict)
	got, err := s.Role(ctx, mgmt, "stagerole")
	if err != nil || got.ARN() != "arn:aws:iam::111111111111:role/cross/StageRole" || got.TrustPolicy != r.TrustPolicy ||
		len(got.Tags) != 1 || got.Tags[0] != r.Tags[0] || got.MaxSessionDuration != 3600 {
		t.Errorf("Role(stagerole) = %+v, %v", got, err)
	}
	r.TrustPolicy, r.MaxSessionDuration, r.Tags = `{"Version":"2012-10-17","Statement":[]}`, 7200, nil
	if err := s.UpdateRole(ctx, mgmt, "STAGEROLE", setRole(r)); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.Role(ctx, mgmt, "StageRole"); got == nil || got.TrustPolicy != r.TrustPolicy || got.MaxSessionDuration != 7200 || len(got.Tags) != 0 {
		t.Errorf("after UpdateRole, Role = %+v", got)
	}
	wantErr(t, "UpdateRole(unknown)", s.UpdateRole(ctx, mgmt, "Nope", setRole(r)), trustgate.ErrNotFound)
	if rs, err := s.Roles(ctx, mgmt, "/cross/"); err != nil || len(rs) != 1 {
		t.Errorf("Roles(/cross/) = %v, %v", rs, err)
	}
	if err := s.DeleteRole(ctx, mgmt, "StageRole"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteRole twice", s.DeleteRole(ctx, mgmt, "StageRole"), trustgate.ErrNotFound)
}

func testPolicies(t *testing.T, s store.Store) {
	seed(t, s)
	mustUser(t, s, "alice")
	role := &trustgate.Role{Account: mgmt, Name: "Admin", ID: "AROAADMIN", Path: "/", TrustPolicy: "{}", MaxSessionDuration: 3600, CreatedAt: t0}
	if err := s.CreateRole(ctx, role); err != nil {
		t.Fatal(err)
	}
	alice := trustgate.Entity{Account: mgmt, Kind: trustgate.UserEntity, Name: "alice"}
	admin := trustgate.Entity{Account: mgmt, Kind: trustgate.RoleEntity, Name: "Admin"}
	nobody := trustgate.Entity{Account: mgmt, Kind: trustgate.GroupEntity, Name: "Nobody"}

	if err := s.PutInlinePolicy(ctx, alice, trustgate.InlinePolicy{Name: "S3Read", Document: "v1"}); err != nil {
		t.Fatal(err)
	}
	if err := s.PutInlinePolicy(ctx, alice, trustgate.InlinePolicy{Name: "S3Read", Document: "v2"}); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "PutInlinePolicy(unknown group)", s.PutInlinePolicy(ctx, nobody, trustgate.InlinePolicy{Name: "x", Document: "x"}), trustgate.ErrNotFound)
	if p, err := s.InlinePolicy(ctx, alice, "s3read"); err != nil || p.Document != "v2" {
		t.Errorf("InlinePolicy(s3read) = %+v, %v; want the replaced document", p, err)
	}
	if ps, err := s.InlinePolicies(ctx, admin); err != nil || len(ps) != 0 {
		t.Errorf("the role's inline policies = %v, %v; want none", ps, err)
	}
	for _, arn := range []string{"arn:aws:iam::aws:policy/ReadOnlyAccess", "arn:aws:iam::aws:policy/AdministratorAccess", "arn:aws:iam::aws:policy/ReadOnlyAccess"} {
		if err := s.AttachPolicy(ctx, admin, arn); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, "AttachPolicy(unknown group)", s.AttachPolicy(ctx, nobody, "arn:aws:iam::aws:policy/ReadOnlyAccess"), trustgate.ErrNotFound)
	if arns, err := s.AttachedPolicies(ctx, admin); err != nil || len(arns) != 2 || arns[0] != "arn:aws:iam::aws:policy/AdministratorAccess" {
		t.Errorf("AttachedPolicies = %v, %v", arns, err)
	}
	wantErr(t, "DeleteRole(with policies)", s.DeleteRole(ctx, mgmt, "Admin"), trustgate.ErrConflict)
	wantErr(t, "DeleteUser(with policies)", s.DeleteUser(ctx, mgmt, "alice"), trustgate.ErrConflict)
	if err := s.DetachPolicy(ctx, admin, "arn:aws:iam::aws:policy/ReadOnlyAccess"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DetachPolicy twice", s.DetachPolicy(ctx, admin, "arn:aws:iam::aws:policy/ReadOnlyAccess"), trustgate.ErrNotFound)
	if err := s.DeleteInlinePolicy(ctx, alice, "S3Read"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteInlinePolicy twice", s.DeleteInlinePolicy(ctx, alice, "S3Read"), trustgate.ErrNotFound)
}

// testMFA: a device's seed, its user, and its last used code step, which
// only grows (docs/aws-behaviour.md note 23: a code is accepted once).
func testMFA(t *testing.T, s store.Store) {
	seed(t, s)
	mustUser(t, s, "alice")
	mustUser(t, s, "bob")
	serial := "arn:aws:iam::" + mgmt + ":mfa/alice-phone"
	d := &trustgate.MFADevice{Account: mgmt, SerialNumber: serial, Name: "alice-phone", Path: "/", Seed: "JBSWY3DPEHPK3PXP", CreatedAt: t0}
	if err := s.CreateMFADevice(ctx, d); err != nil {
		t.Fatal(err)
	}
	other := &trustgate.MFADevice{Account: mgmt, SerialNumber: "arn:aws:iam::" + mgmt + ":mfa/team/spare", Name: "spare", Path: "/team/", Seed: "GEZDGNBVGY3TQOJQ", CreatedAt: t0}
	if err := s.CreateMFADevice(ctx, other); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "CreateMFADevice twice", s.CreateMFADevice(ctx, d), trustgate.ErrConflict)
	wantErr(t, "CreateMFADevice(unknown account)", s.CreateMFADevice(ctx,
		&trustgate.MFADevice{Account: "999999999999", SerialNumber: "arn:aws:iam::999999999999:mfa/x", Name: "x", Path: "/", Seed: "x", CreatedAt: t0}), trustgate.ErrNotFound)

	got, err := s.MFADevice(ctx, mgmt, serial)
	if err != nil || got.Seed != d.Seed || got.Name != "alice-phone" || got.Path != "/" || got.Enabled() || !got.EnableDate.IsZero() ||
		got.LastUsedStep != 0 || !got.CreatedAt.Equal(t0) {
		t.Errorf("MFADevice = %+v, %v; want the unassigned device with its seed", got, err)
	}
	_, err = s.MFADevice(ctx, "222222222222", serial)
	wantErr(t, "MFADevice(other account)", err, trustgate.ErrNotFound)

	const step = 59_000_000
	enabled := t0.Add(time.Minute)
	wantErr(t, "EnableMFADevice(unknown user)", s.EnableMFADevice(ctx, mgmt, serial, "carol", enabled, step), trustgate.ErrNotFound)
	wantErr(t, "EnableMFADevice(unknown device)", s.EnableMFADevice(ctx, mgmt, serial+"x", "alice", enabled, step), trustgate.ErrNotFound)
	if err := s.EnableMFADevice(ctx, mgmt, serial, "ALICE", enabled, step); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "EnableMFADevice(enabled for another user)", s.EnableMFADevice(ctx, mgmt, serial, "bob", enabled, step+5), trustgate.ErrConflict)
	got, err = s.MFADevice(ctx, mgmt, serial)
	if err != nil || got.UserName != "alice" || !got.EnableDate.Equal(enabled) || got.LastUsedStep != step {
		t.Errorf("after EnableMFADevice, MFADevice = %+v, %v; want enabled for alice at step %d", got, err, step)
	}
	if ds, err := s.MFADevices(ctx, mgmt, "alice"); err != nil || len(ds) != 1 || ds[0].SerialNumber != serial {
		t.Errorf("MFADevices(alice) = %v, %v; want alice's device", ds, err)
	}
	if ds, err := s.MFADevices(ctx, mgmt, "bob"); err != nil || len(ds) != 0 {
		t.Errorf("MFADevices(bob) = %v, %v; want none", ds, err)
	}
	if ds, err := s.MFADevices(ctx, mgmt, ""); err != nil || len(ds) != 2 || ds[0].SerialNumber != serial || ds[1].Enabled() {
		t.Errorf("MFADevices(account) = %v, %v; want both, ordered by serial number", ds, err)
	}

	// A code is accepted once: only a later time step than the last.
	wantErr(t, "UseMFACode(the enabling step again)", s.UseMFACode(ctx, mgmt, serial, step), trustgate.ErrConflict)
	wantErr(t, "UseMFACode(an earlier step)", s.UseMFACode(ctx, mgmt, serial, step-1), trustgate.ErrConflict)
	if err := s.UseMFACode(ctx, mgmt, serial, step+1); err != nil {
		t.Errorf("UseMFACode(the next step) = %v", err)
	}
	wantErr(t, "UseMFACode(the same step twice)", s.UseMFACode(ctx, mgmt, serial, step+1), trustgate.ErrConflict)
	wantErr(t, "UseMFACode(unknown device)", s.UseMFACode(ctx, mgmt, serial+"x", step+2), trustgate.ErrNotFound)
	if got, _ := s.MFADevice(ctx, mgmt, serial); got == nil || got.LastUsedStep != step+1 {
		t.Errorf("LastUsedStep after the codes = %+v; want %d", got, step+1)
	}

	wantErr(t, "DeleteUser(with an enabled MFA device)", s.DeleteUser(ctx, mgmt, "alice"), trustgate.ErrConflict)
	wantErr(t, "DeleteMFADevice(enabled)", s.DeleteMFADevice(ctx, mgmt, serial), trustgate.ErrConflict)
	wantErr(t, "DeactivateMFADevice(not bob's)", s.DeactivateMFADevice(ctx, mgmt, serial, "bob"), trustgate.ErrNotFound)
	if err := s.DeactivateMFADevice(ctx, mgmt, serial, "alice"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeactivateMFADevice twice", s.DeactivateMFADevice(ctx, mgmt, serial, "alice"), trustgate.ErrNotFound)
	if got, _ := s.MFADevice(ctx, mgmt, serial); got == nil || got.Enabled() || !got.EnableDate.IsZero() || got.LastUsedStep != step+1 {
		t.Errorf("after DeactivateMFADevice, MFADevice = %+v; want unassigned, its last step kept", got)
	}
	if err := s.DeleteUser(ctx, mgmt, "alice"); err != nil {
		t.Errorf("DeleteUser once the device is deactivated: %v", err)
	}
	if err := s.DeleteMFADevice(ctx, mgmt, serial); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteMFADevice twice", s.DeleteMFADevice(ctx, mgmt, serial), trustgate.ErrNotFound)
	_, err = s.MFADevice(ctx, mgmt, serial)
	wantErr(t, "MFADevice(deleted)", err, trustgate.ErrNotFound)
}
