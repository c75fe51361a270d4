package storetest

import (
	"testing"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// testOrganizations: OUs nest and hold accounts; a policy is deleted only
// once detached; CreateMemberAccount is all or nothing.
func testOrganizations(t *testing.T, s store.Store) {
	seed(t, s)
	const root = "r-ab12"
	if err := s.SetPolicyTypes(ctx, []string{trustgate.ServiceControlPolicy}); err != nil {
		t.Fatal(err)
	}
	if o, err := s.Organization(ctx); err != nil || len(o.PolicyTypes) != 1 || o.PolicyTypes[0] != trustgate.ServiceControlPolicy {
		t.Errorf("Organization after SetPolicyTypes = %+v, %v", o, err)
	}
	dev := &trustgate.OrganizationalUnit{ID: "ou-ab12-development", ParentID: root, Name: "Development", CreatedAt: t0}
	sandbox := &trustgate.OrganizationalUnit{ID: "ou-ab12-sandboxes", ParentID: dev.ID, Name: "Sandbox", CreatedAt: t0}
	for _, ou := range []*trustgate.OrganizationalUnit{dev, sandbox} {
		if err := s.CreateOU(ctx, ou); err != nil {
			t.Fatal(err)
		}
	}
	wantErr(t, "CreateOU(a name its parent has)", s.CreateOU(ctx, &trustgate.OrganizationalUnit{ID: "ou-ab12-other", ParentID: root, Name: "Development"}), trustgate.ErrConflict)
	wantErr(t, "CreateOU(unknown parent)", s.CreateOU(ctx, &trustgate.OrganizationalUnit{ID: "ou-ab12-orphan", ParentID: "ou-ab12-nowhere", Name: "x"}), trustgate.ErrNotFound)
	if ous, err := s.OUs(ctx); err != nil || len(ous) != 2 {
		t.Errorf("OUs = %v, %v", ous, err)
	}
	if err := s.RenameOU(ctx, dev.ID, "Dev"); err != nil {
		t.Fatal(err)
	}
	if ou, err := s.OU(ctx, dev.ID); err != nil || ou.Name != "Dev" || ou.ParentID != root {
		t.Errorf("OU after RenameOU = %+v, %v", ou, err)
	}

	acct := &trustgate.Account{ID: "222222222222", Name: "Sandbox-1", Email: "s1@example.com", ParentID: root, Status: "ACTIVE", JoinedAt: t0, CreatedAt: t0}
	role := &trustgate.Role{Account: acct.ID, Name: "OrganizationAccountAccessRole", ID: "AROAORG", Path: "/", TrustPolicy: "{}", MaxSessionDuration: 3600, CreatedAt: t0}
	st := &trustgate.CreateAccountStatus{ID: "car-12345678", AccountName: acct.Name, AccountID: acct.ID, State: "SUCCEEDED", RequestedAt: t0, CompletedAt: t0}
	m := &trustgate.MemberAccount{Account: acct, Role: role, Attached: []string{"arn:aws:iam::aws:policy/AdministratorAccess"}, Status: st}
	if err := s.CreateMemberAccount(ctx, m); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "CreateMemberAccount twice", s.CreateMemberAccount(ctx, m), trustgate.ErrConflict)
	if got, err := s.CreateAccountStatus(ctx, "car-12345678"); err != nil || got.AccountID != acct.ID || got.State != "SUCCEEDED" {
		t.Errorf("CreateAccountStatus = %+v, %v", got, err)
	}
	if all, err := s.CreateAccountStatuses(ctx); err != nil || len(all) != 1 {
		t.Errorf("CreateAccountStatuses = %v, %v; want the one, not the failed second", all, err)
	}
	admin := trustgate.Entity{Account: acct.ID, Kind: trustgate.RoleEntity, Name: role.Name}
	if arns, err := s.AttachedPolicies(ctx, admin); err != nil || len(arns) != 1 {
		t.Errorf("the new account's role has %v, %v; want AdministratorAccess", arns, err)
	}
	wantErr(t, "MoveAccount(from a parent it is not in)", s.MoveAccount(ctx, acct.ID, dev.ID, sandbox.ID), trustgate.ErrNotFound)
	wantErr(t, "MoveAccount(to an unknown parent)", s.MoveAccount(ctx, acct.ID, root, "ou-ab12-nowhere"), trustgate.ErrNotFound)
	if err := s.MoveAccount(ctx, acct.ID, root, sandbox.ID); err != nil {
		t.Fatal(err)
	}
	if a, _ := s.Account(ctx, acct.ID); a == nil || a.ParentID != sandbox.ID {
		t.Errorf("account after MoveAccount = %+v", a)
	}
	wantErr(t, "DeleteOU(holding an account)", s.DeleteOU(ctx, sandbox.ID), trustgate.ErrConflict)
	wantErr(t, "DeleteOU(holding an OU)", s.DeleteOU(ctx, dev.ID), trustgate.ErrConflict)

	p := &trustgate.OrgPolicy{ID: "p-denys3wr", Name: "DenyS3Writes", Description: "no writes", Type: trustgate.ServiceControlPolicy, Document: "{}"}
	if err := s.CreateOrgPolicy(ctx, p); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "CreateOrgPolicy(a taken name)", s.CreateOrgPolicy(ctx, &trustgate.OrgPolicy{ID: "p-other123", Name: "DenyS3Writes", Type: trustgate.ServiceControlPolicy}), trustgate.ErrConflict)
	a := trustgate.OrgAttachment{PolicyID: p.ID, TargetID: dev.ID}
	if err := s.AttachOrgPolicy(ctx, a); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "AttachOrgPolicy twice", s.AttachOrgPolicy(ctx, a), trustgate.ErrConflict)
	if err := s.AttachOrgPolicy(ctx, trustgate.OrgAttachment{PolicyID: "p-FullAWSAccess", TargetID: root}); err != nil {
		t.Fatal(err)
	}
	if all, err := s.OrgAttachments(ctx); err != nil || len(all) != 2 || all[0].PolicyID != "p-FullAWSAccess" {
		t.Errorf("OrgAttachments = %v, %v", all, err)
	}
	wantErr(t, "DeleteOrgPolicy(attached)", s.DeleteOrgPolicy(ctx, p.ID), trustgate.ErrConflict)
	p.Name, p.Document = "NoS3Writes", `{"Version":"2012-10-17"}`
	if err := s.UpdateOrgPolicy(ctx, p.ID, func(cur *trustgate.OrgPolicy) error {
		cur.Name, cur.Document = p.Name, p.Document
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if got, err := s.OrgPolicy(ctx, p.ID); err != nil || got.Name != "NoS3Writes" || got.Document != p.Document {
		t.Errorf("OrgPolicy after UpdateOrgPolicy = %+v, %v", got, err)
	}
	if err := s.DetachOrgPolicy(ctx, a); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "DetachOrgPolicy twice", s.DetachOrgPolicy(ctx, a), trustgate.ErrNotFound)
	if err := s.DeleteOrgPolicy(ctx, p.ID); err != nil {
		t.Fatal(err)
	}
	wantErr(t, "OrgPolicy(deleted)", func() error { _, err := s.OrgPolicy(ctx, p.ID); return err }(), trustgate.ErrNotFound)

	tags := []trustgate.Tag{{Key: "env", Value: "dev"}}
	if err := s.SetOrgTags(ctx, dev.ID, tags); err != nil {
		t.Fatal(err)
	}
	if got, err := s.OrgTags(ctx, dev.ID); err != nil || len(got) != 1 {
		t.Errorf("OrgTags = %v, %v", got, err)
	}
	if got, err := s.OrgTags(ctx, root); err != nil || got != nil {
		t.Errorf("OrgTags(untagged) = %v, %v", got, err)
	}
	if err := s.MoveAccount(ctx, acct.ID, sandbox.ID, root); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteOU(ctx, sandbox.ID); err != nil {
		t.Errorf("DeleteOU once empty: %v", err)
	}
}
