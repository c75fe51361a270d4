package storetest

import (
	"errors"
	"testing"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// testManagedPolicies: versions are numbered after every version a policy
// ever had, five at most, and a policy in use cannot be deleted.
func testManagedPolicies(t *testing.T, s store.Store) {
	seed(t, s)
	mustUser(t, s, "alice")
	p := &trustgate.ManagedPolicy{Account: mgmt, Name: "S3Read", ID: "ANPAS3READ", Path: "/data/", Description: "reads",
		Tags: []trustgate.Tag{{Key: "team", Value: "data"}}, CreatedAt: t0}
	if err := s.CreateManagedPolicy(ctx, p, "doc1"); err != nil {
		t.Fatal(err)
	}
	arn := "arn:aws:iam::111111111111:policy/data/S3Read"
	if p.ARN() != arn || p.DefaultVersion != "v1" {
		t.Fatalf("created policy = %+v (ARN %s)", p, p.ARN())
	}
	wantErr(t, "CreateManagedPolicy(same name, other case)", s.CreateManagedPolicy(ctx,
		&trustgate.ManagedPolicy{Account: mgmt, Name: "s3read", ID: "ANPAOTHER", Path: "/", CreatedAt: t0}, "x"), trustgate.ErrConflict)
	wantErr(t, "CreateManagedPolicy(unknown account)", s.CreateManagedPolicy(ctx,
		&trustgate.ManagedPolicy{Account: "999999999999", Name: "x", ID: "ANPAX", Path: "/", CreatedAt: t0}, "x"), trustgate.ErrNotFound)
	got, err := s.ManagedPolicy(ctx, arn)
	if err != nil || got.ID != "ANPAS3READ" || got.DefaultVersion != "v1" || got.Description != "reads" ||
		len(got.Tags) != 1 || !got.CreatedAt.Equal(t0) || !got.UpdatedAt.Equal(t0) {
		t.Errorf("ManagedPolicy = %+v, %v", got, err)
	}
	_, err = s.ManagedPolicy(ctx, "arn:aws:iam::111111111111:policy/S3Read")
	wantErr(t, "ManagedPolicy(the ARN without the path)", err, trustgate.ErrNotFound)
	if ps, err := s.ManagedPolicies(ctx, mgmt, "/data/"); err != nil || len(ps) != 1 {
		t.Errorf("ManagedPolicies(/data/) = %v, %v", ps, err)
	}
	if ps, err := s.ManagedPolicies(ctx, mgmt, "/ops/"); err != nil || len(ps) != 0 {
		t.Errorf("ManagedPolicies(/ops/) = %v, %v", ps, err)
	}

	t1 := t0.Add(time.Hour)
	for i, want := range []string{"v2", "v3", "v4", "v5"} {
		v := &trustgate.PolicyVersion{Document: "doc" + want[1:], Default: i == 1, CreatedAt: t1}
		if err := s.CreatePolicyVersion(ctx, arn, v, 5); err != nil || v.ID != want {
			t.Fatalf("CreatePolicyVersion #%d = %q, %v; want %s", i+2, v.ID, err, want)
		}
	}
	wantErr(t, "CreatePolicyVersion(a sixth)", s.CreatePolicyVersion(ctx, arn, &trustgate.PolicyVersion{Document: "x", CreatedAt: t1}, 5), trustgate.ErrLimit)
	wantErr(t, "CreatePolicyVersion(unknown policy)", s.CreatePolicyVersion(ctx, arn+"x", &trustgate.PolicyVersion{Document: "x", CreatedAt: t1}, 5), trustgate.ErrNotFound)
	if d, err := s.PolicyVersion(ctx, arn, ""); err != nil || d.ID != "v3" || d.Document != "doc3" || !d.Default {
		t.Errorf("the default version = %+v, %v; want v3, made default on creation", d, err)
	}
	if got, _ := s.ManagedPolicy(ctx, arn); got == nil || got.DefaultVersion != "v3" || !got.UpdatedAt.Equal(t1) {
		t.Errorf("after new versions, ManagedPolicy = %+v; want default v3, updated at t1", got)
	}
	vs, err := s.PolicyVersions(ctx, arn)
	if err != nil || len(vs) != 5 || vs[0].ID != "v5" || vs[4].ID != "v1" || !vs[2].Default || vs[0].Default {
		t.Errorf("PolicyVersions = %+v, %v; want v5..v1 with v3 the default", vs, err)
	}
	wantErr(t, "DeletePolicyVersion(the default)", s.DeletePolicyVersion(ctx, arn, "v3"), trustgate.ErrConflict)
	if err := s.DeletePolicyVersion(ctx, arn, "v5"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeletePolicyVersion twice", s.DeletePolicyVersion(ctx, arn, "v5"), trustgate.ErrNotFound)
	v := &trustgate.PolicyVersion{Document: "doc6", CreatedAt: t1}
	if err := s.CreatePolicyVersion(ctx, arn, v, 5); err != nil || v.ID != "v6" {
		t.Errorf("CreatePolicyVersion after deleting v5 = %q, %v; want v6: ids are never reused", v.ID, err)
	}
	if err := s.SetDefaultPolicyVersion(ctx, arn, "v1"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "SetDefaultPolicyVersion(v5, deleted)", s.SetDefaultPolicyVersion(ctx, arn, "v5"), trustgate.ErrNotFound)
	wantErr(t, "SetDefaultPolicyVersion(v1.beta)", s.SetDefaultPolicyVersion(ctx, arn, "v1.beta"), trustgate.ErrNotFound)
	if d, _ := s.PolicyVersion(ctx, arn, ""); d == nil || d.ID != "v1" || d.Document != "doc1" {
		t.Errorf("the default version after SetDefaultPolicyVersion(v1) = %+v", d)
	}
	if d, err := s.PolicyVersion(ctx, arn, "v4"); err != nil || d.Document != "doc4" || d.Default {
		t.Errorf("PolicyVersion(v4) = %+v, %v", d, err)
	}
	if err := s.UpdateManagedPolicyTags(ctx, arn, func(p *trustgate.ManagedPolicy) error { p.Tags = nil; return nil }); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.ManagedPolicy(ctx, arn); got == nil || len(got.Tags) != 0 {
		t.Errorf("tags after UpdateManagedPolicyTags to none = %+v", got)
	}
	wantErr(t, "UpdateManagedPolicyTags(unknown)", s.UpdateManagedPolicyTags(ctx, arn+"Nope", func(*trustgate.ManagedPolicy) error { return nil }), trustgate.ErrNotFound)

	alice := trustgate.Entity{Account: mgmt, Kind: trustgate.UserEntity, Name: "alice"}
	wantErr(t, "AttachPolicy(unknown customer policy)", s.AttachPolicy(ctx, alice, "arn:aws:iam::111111111111:policy/Nope"), trustgate.ErrNotFound)
	if err := s.AttachPolicy(ctx, alice, arn); err != nil {
		t.Fatal(err)
	}
	role := &trustgate.Role{Account: mgmt, Name: "Bounded", ID: "AROAB", Path: "/", TrustPolicy: "{}", MaxSessionDuration: 3600, Boundary: arn, CreatedAt: t0}
	if err := s.CreateRole(ctx, role); err != nil {
		t.Fatal(err)
	}
	attached, bounded, err := s.PolicyUses(ctx, mgmt, arn)
	if err != nil || len(attached) != 1 || attached[0] != alice || len(bounded) != 1 || bounded[0].Name != "Bounded" || bounded[0].Kind != trustgate.RoleEntity {
		t.Errorf("PolicyUses = %v, %v, %v", attached, bounded, err)
	}
	wantErr(t, "DeleteManagedPolicy(attached)", s.DeleteManagedPolicy(ctx, arn), trustgate.ErrConflict)
	if err := s.DetachPolicy(ctx, alice, arn); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteManagedPolicy(a role's boundary)", s.DeleteManagedPolicy(ctx, arn), trustgate.ErrConflict)
	role.Boundary = ""
	if err := s.UpdateRole(ctx, mgmt, role.Name, setRole(role)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteManagedPolicy(with other versions)", s.DeleteManagedPolicy(ctx, arn), trustgate.ErrConflict)
	for _, id := range []string{"v2", "v3", "v4", "v6"} {
		if err := s.DeletePolicyVersion(ctx, arn, id); err != nil {
			t.Fatalf("DeletePolicyVersion(%s): %v", id, err)
		}
	}
	if err := s.DeleteManagedPolicy(ctx, arn); err != nil {
		t.Fatalf("DeleteManagedPolicy once unused: %v", err)
	}
	_, err = s.PolicyVersions(ctx, arn)
	wantErr(t, "PolicyVersions after delete", err, trustgate.ErrNotFound)
	wantErr(t, "DeleteManagedPolicy twice", s.DeleteManagedPolicy(ctx, arn), trustgate.ErrNotFound)
	// A policy of the same name is a new policy, from v1.
	if err := s.CreateManagedPolicy(ctx, &trustgate.ManagedPolicy{Account: mgmt, Name: "S3Read", ID: "ANPANEW", Path: "/data/", CreatedAt: t1}, "new"); err != nil {
		t.Fatal(err)
	}
	if vs, err := s.PolicyVersions(ctx, arn); err != nil || len(vs) != 1 || vs[0].ID != "v1" || vs[0].Document != "new" {
		t.Errorf("versions of the re-created policy = %+v, %v", vs, err)
	}
}

// testUserUpdate: a renamed user keeps everything it had.
func testUserUpdate(t *testing.T, s store.Store) {
	seed(t, s)
	mustUser(t, s, "alice")
	mustUser(t, s, "bob")
	if err := s.CreateGroup(ctx, &trustgate.Group{Account: mgmt, Name: "Dev", ID: "AGPADEV", Path: "/", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	alice := trustgate.Entity{Account: mgmt, Kind: trustgate.UserEntity, Name: "alice"}
	for _, err := range []error{
		s.CreateAccessKey(ctx, &trustgate.AccessKey{ID: "AKIAALICE", Secret: "s", Account: mgmt, UserName: "alice", Status: trustgate.KeyActive, CreatedAt: t0}),
		s.AddUserToGroup(ctx, mgmt, "Dev", "alice"),
		s.PutInlinePolicy(ctx, alice, trustgate.InlinePolicy{Name: "p", Document: "d"}),
		s.AttachPolicy(ctx, alice, "arn:aws:iam::aws:policy/ReadOnlyAccess"),
		s.PutLoginProfile(ctx, &trustgate.LoginProfile{Account: mgmt, UserName: "alice", PasswordHash: "h", CreatedAt: t0}, false),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	u, err := s.User(ctx, mgmt, "alice")
	if err != nil {
		t.Fatal(err)
	}
	u.Name = "BOB"
	wantErr(t, "UpdateUser(to another user's name)", s.UpdateUser(ctx, mgmt, "alice", setUser(u)), trustgate.ErrConflict)
	u.Name, u.Path, u.Boundary, u.Tags = "alicia", "/eng/", "arn:aws:iam::aws:policy/PowerUserAccess", []trustgate.Tag{{Key: "k", Value: "v"}}
	if err := s.UpdateUser(ctx, mgmt, "ALICE", setUser(u)); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "UpdateUser(unknown)", s.UpdateUser(ctx, mgmt, "nobody", setUser(u)), trustgate.ErrNotFound)
	if _, err := s.User(ctx, mgmt, "alice"); err == nil {
		t.Error("the old name still finds the user")
	}
	got, err := s.User(ctx, mgmt, "alicia")
	if err != nil || got.ID != "AIDAalice" || got.Path != "/eng/" || got.Boundary != u.Boundary || len(got.Tags) != 1 {
		t.Errorf("User(alicia) = %+v, %v", got, err)
	}
	renamed := trustgate.Entity{Account: mgmt, Kind: trustgate.UserEntity, Name: "alicia"}
	if k, err := s.AccessKey(ctx, "AKIAALICE"); err != nil || k.UserName != "alicia" {
		t.Errorf("the key after the rename = %+v, %v", k, err)
	}
	if gs, _ := s.GroupsForUser(ctx, mgmt, "alicia"); len(gs) != 1 {
		t.Errorf("groups after the rename = %v", gs)
	}
	if ps, _ := s.InlinePolicies(ctx, renamed); len(ps) != 1 {
		t.Errorf("inline policies after the rename = %v", ps)
	}
	if as, _ := s.AttachedPolicies(ctx, renamed); len(as) != 1 {
		t.Errorf("attached policies after the rename = %v", as)
	}
	if _, err := s.LoginProfile(ctx, mgmt, "alicia"); err != nil {
		t.Errorf("login profile after the rename: %v", err)
	}
	if err := s.CreateUser(ctx, &trustgate.User{Account: mgmt, Name: "alice", ID: "AIDANEWALICE", Path: "/", CreatedAt: t0}); err != nil {
		t.Fatal(err) // a new user of the old name
	}
	// change sees the user the name has by now; what change refuses is
	// refused, and stores nothing.
	errStale := errors.New("not the user the caller meant")
	err = s.UpdateUser(ctx, mgmt, "alice", func(cur *trustgate.User) error {
		if cur.ID != "AIDANEWALICE" {
			t.Errorf("change got user %s; want the new alice, AIDANEWALICE", cur.ID)
		}
		cur.Path = "/changed/"
		return errStale
	})
	wantErr(t, "UpdateUser(change refuses)", err, errStale)
	if got, _ := s.User(ctx, mgmt, "alice"); got == nil || got.Path != "/" {
		t.Errorf("User(alice) after a refused change = %+v; want it as it was", got)
	}
}

// setUser is an UpdateUser change that makes a user's fields u's.
func setUser(u *trustgate.User) func(*trustgate.User) error {
	return func(cur *trustgate.User) error {
		cur.Name, cur.Path, cur.Boundary, cur.Tags = u.Name, u.Path, u.Boundary, u.Tags
		return nil
	}
}

// setRole is an UpdateRole change that makes a role's fields r's.
func setRole(r *trustgate.Role) func(*trustgate.Role) error {
	return func(cur *trustgate.Role) error {
		cur.TrustPolicy, cur.Description, cur.MaxSessionDuration, cur.Boundary, cur.Tags = r.TrustPolicy, r.Description, r.MaxSessionDuration, r.Boundary, r.Tags
		return nil
	}
}

// testGroupUpdate: a renamed group keeps its members and policies.
func testGroupUpdate(t *testing.T, s store.Store) {
	seed(t, s)
	mustUser(t, s, "alice")
	for _, name := range []string{"Dev", "Ops"} {
		if err := s.CreateGroup(ctx, &trustgate.Group{Account: mgmt, Name: name, ID: "AGPA" + name, Path: "/", CreatedAt: t0}); err != nil {
			t.Fatal(err)
		}
	}
	dev := trustgate.Entity{Account: mgmt, Kind: trustgate.GroupEntity, Name: "Dev"}
	for _, err := range []error{
		s.AddUserToGroup(ctx, mgmt, "Dev", "alice"),
		s.PutInlinePolicy(ctx, dev, trustgate.InlinePolicy{Name: "p", Document: "d"}),
		s.AttachPolicy(ctx, dev, "arn:aws:iam::aws:policy/ReadOnlyAccess"),
	} {
		if err != nil {
			t.Fatal(err)
		}
	}
	move := func(name, path string) func(*trustgate.Group) error {
		return func(g *trustgate.Group) error { g.Name, g.Path = name, path; return nil }
	}
	wantErr(t, "UpdateGroup(to another group's name)", s.UpdateGroup(ctx, mgmt, "Dev", move("ops", "/")), trustgate.ErrConflict)
	if err := s.UpdateGroup(ctx, mgmt, "dev", move("Engineering", "/eng/")); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "UpdateGroup(unknown)", s.UpdateGroup(ctx, mgmt, "Dev", move("Engineering", "/eng/")), trustgate.ErrNotFound)
	if got, err := s.Group(ctx, mgmt, "engineering"); err != nil || got.ID != "AGPADev" || got.Path != "/eng/" {
		t.Errorf("Group(engineering) = %+v, %v", got, err)
	}
	eng := trustgate.Entity{Account: mgmt, Kind: trustgate.GroupEntity, Name: "Engineering"}
	if gs, _ := s.GroupsForUser(ctx, mgmt, "alice"); len(gs) != 1 || gs[0].Name != "Engineering" {
		t.Errorf("alice's groups after the rename = %v", gs)
	}
	if ps, _ := s.InlinePolicies(ctx, eng); len(ps) != 1 {
		t.Errorf("inline policies after the rename = %v", ps)
	}
	if as, _ := s.AttachedPolicies(ctx, eng); len(as) != 1 {
		t.Errorf("attached policies after the rename = %v", as)
	}
}

func testLoginProfiles(t *testing.T, s store.Store) {
	seed(t, s)
	mustUser(t, s, "alice")
	p := &trustgate.LoginProfile{Account: mgmt, UserName: "alice", PasswordHash: "h1", ResetRequired: true, CreatedAt: t0}
	wantErr(t, "PutLoginProfile(replace, none yet)", s.PutLoginProfile(ctx, p, true), trustgate.ErrNotFound)
	if err := s.PutLoginProfile(ctx, p, false); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "PutLoginProfile(create twice)", s.PutLoginProfile(ctx, p, false), trustgate.ErrConflict)
	wantErr(t, "PutLoginProfile(unknown user)", s.PutLoginProfile(ctx, &trustgate.LoginProfile{Account: mgmt, UserName: "bob", PasswordHash: "h", CreatedAt: t0}, false), trustgate.ErrNotFound)
	got, err := s.LoginProfile(ctx, mgmt, "ALICE")
	if err != nil || got.UserName != "alice" || got.PasswordHash != "h1" || !got.ResetRequired || !got.CreatedAt.Equal(t0) {
		t.Errorf("LoginProfile = %+v, %v", got, err)
	}
	if err := s.PutLoginProfile(ctx, &trustgate.LoginProfile{Account: mgmt, UserName: "alice", PasswordHash: "h2"}, true); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.LoginProfile(ctx, mgmt, "alice"); got == nil || got.PasswordHash != "h2" || got.ResetRequired || !got.CreatedAt.Equal(t0) {
		t.Errorf("after the replacement, LoginProfile = %+v; want h2, no reset, the first creation date", got)
	}
	wantErr(t, "DeleteUser(with a login profile)", s.DeleteUser(ctx, mgmt, "alice"), trustgate.ErrConflict)
	if err := s.DeleteLoginProfile(ctx, mgmt, "alice"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DeleteLoginProfile twice", s.DeleteLoginProfile(ctx, mgmt, "alice"), trustgate.ErrNotFound)
	if err := s.DeleteUser(ctx, mgmt, "alice"); err != nil {
		t.Errorf("DeleteUser once the profile is gone: %v", err)
	}
}

func testAccountAliases(t *testing.T, s store.Store) {
	seed(t, s)
	other := &trustgate.Account{ID: "222222222222", Name: "dev", ParentID: "r-ab12", Status: "ACTIVE", JoinedAt: t0, CreatedAt: t0}
	if err := s.CreateAccount(ctx, other); err != nil {
		t.Fatal(err)
	}
	if a, err := s.AccountAlias(ctx, mgmt); err != nil || a != "" {
		t.Errorf("AccountAlias before any = %q, %v", a, err)
	}
	if err := s.SetAccountAlias(ctx, mgmt, "example-corp"); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "SetAccountAlias(another account's alias)", s.SetAccountAlias(ctx, other.ID, "example-corp"), trustgate.ErrConflict)
	wantErr(t, "SetAccountAlias(unknown account)", s.SetAccountAlias(ctx, "999999999999", "x-corp"), trustgate.ErrNotFound)
	if err := s.SetAccountAlias(ctx, mgmt, "example-corp"); err != nil {
		t.Errorf("SetAccountAlias(its own alias again) = %v", err)
	}
	if err := s.SetAccountAlias(ctx, mgmt, "example-prod"); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.AccountAlias(ctx, mgmt); a != "example-prod" {
		t.Errorf("AccountAlias after a new one = %q; want it replaced", a)
	}
	if err := s.SetAccountAlias(ctx, other.ID, "example-corp"); err != nil {
		t.Errorf("SetAccountAlias(an alias given up) = %v", err)
	}
	wantErr(t, "DeleteAccountAlias(not its alias)", s.DeleteAccountAlias(ctx, mgmt, "example-corp"), trustgate.ErrNotFound)
	if err := s.DeleteAccountAlias(ctx, mgmt, "example-prod"); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.AccountAlias(ctx, mgmt); a != "" {
		t.Errorf("AccountAlias after delete = %q", a)
	}
}
