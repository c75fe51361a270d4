package storetest

import (
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// concurrentChanges is how many updates of one record run at once.
const concurrentChanges = 16

// testConcurrentUpdates: updates made at once to one record all hold. Each
// of concurrentChanges updates adds its own tag while another sets a
// field; a store that read the record outside the write, or wrote back
// whole records read before another write, would lose some of them.
func testConcurrentUpdates(t *testing.T, s store.Store) {
	seed(t, s)
	mustUser(t, s, "alice")
	if err := s.CreateRole(ctx, &trustgate.Role{Account: mgmt, Name: "Ops", ID: "AROAOPS", Path: "/", TrustPolicy: "{}", MaxSessionDuration: 3600, CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	if err := s.CreateBucket(ctx, &trustgate.Bucket{Name: "shared", Account: mgmt, Region: "us-east-1", CreatedAt: t0}); err != nil {
		t.Fatal(err)
	}
	policyARN := "arn:aws:iam::111111111111:policy/Shared"
	if err := s.CreateManagedPolicy(ctx, &trustgate.ManagedPolicy{Account: mgmt, Name: "Shared", ID: "ANPASHARED", Path: "/", CreatedAt: t0}, "{}"); err != nil {
		t.Fatal(err)
	}
	const boundary = "arn:aws:iam::aws:policy/PowerUserAccess"

	each(t, "UpdateUser", func(i int) error {
		return s.UpdateUser(ctx, mgmt, "alice", func(u *trustgate.User) error { u.Tags = withTag(u.Tags, i); return nil })
	}, func() error {
		return s.UpdateUser(ctx, mgmt, "alice", func(u *trustgate.User) error { u.Boundary = boundary; return nil })
	})
	if u, err := s.User(ctx, mgmt, "alice"); err != nil || u.Boundary != boundary || !hasEveryTag(u.Tags) {
		t.Errorf("User after concurrent updates = %+v, %v; want the boundary and all %d tags", u, err, concurrentChanges)
	}

	each(t, "UpdateRole", func(i int) error {
		return s.UpdateRole(ctx, mgmt, "Ops", func(r *trustgate.Role) error { r.Tags = withTag(r.Tags, i); return nil })
	}, func() error {
		return s.UpdateRole(ctx, mgmt, "Ops", func(r *trustgate.Role) error { r.Boundary = boundary; return nil })
	})
	if r, err := s.Role(ctx, mgmt, "Ops"); err != nil || r.Boundary != boundary || !hasEveryTag(r.Tags) {
		t.Errorf("Role after concurrent updates = %+v, %v; want the boundary and all %d tags", r, err, concurrentChanges)
	}

	const bucketPolicy = `{"Version":"2012-10-17","Statement":[]}`
	each(t, "UpdateBucket", func(i int) error {
		return s.UpdateBucket(ctx, "shared", func(b *trustgate.Bucket) error { b.Tags = withTag(b.Tags, i); return nil })
	}, func() error {
		return s.UpdateBucket(ctx, "shared", func(b *trustgate.Bucket) error { b.Policy = bucketPolicy; return nil })
	})
	if b, err := s.Bucket(ctx, "shared"); err != nil || b.Policy != bucketPolicy || !hasEveryTag(b.Tags) {
		t.Errorf("Bucket after concurrent updates = %+v, %v; want the policy and all %d tags", b, err, concurrentChanges)
	}

	addTag := func(i int) func([]trustgate.Tag) ([]trustgate.Tag, error) {
		return func(tags []trustgate.Tag) ([]trustgate.Tag, error) { return withTag(tags, i), nil }
	}
	each(t, "UpdateManagedPolicyTags", func(i int) error {
		return s.UpdateManagedPolicyTags(ctx, policyARN, func(p *trustgate.ManagedPolicy) error { p.Tags = withTag(p.Tags, i); return nil })
	}, nil)
	if p, err := s.ManagedPolicy(ctx, policyARN); err != nil || !hasEveryTag(p.Tags) {
		t.Errorf("ManagedPolicy after concurrent updates = %+v, %v; want all %d tags", p, err, concurrentChanges)
	}

	each(t, "UpdateOrgTags", func(i int) error { return s.UpdateOrgTags(ctx, "ou-root-shared", addTag(i)) }, nil)
	if tags, err := s.OrgTags(ctx, "ou-root-shared"); err != nil || !hasEveryTag(tags) {
		t.Errorf("OrgTags after concurrent updates = %+v, %v; want all %d tags", tags, err, concurrentChanges)
	}
}

// each runs addTag for every i below concurrentChanges and set, when
// there is one, all at once, and fails on the first error.
func each(t *testing.T, what string, addTag func(i int) error, set func() error) {
	t.Helper()
	calls := []func() error{}
	for i := range concurrentChanges {
		calls = append(calls, func() error { return addTag(i) })
	}
	if set != nil {
		calls = append(calls, set)
	}
	errs := make([]error, len(calls))
	var wg sync.WaitGroup
	for i, call := range calls {
		wg.Go(func() { errs[i] = call() })
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}
}

// withTag adds the i-th update's tag to a copy of tags.
func withTag(tags []trustgate.Tag, i int) []trustgate.Tag {
	return append(slices.Clone(tags), trustgate.Tag{Key: fmt.Sprintf("k%d", i), Value: "v"})
}

// hasEveryTag reports whether every update's tag is among tags.
func hasEveryTag(tags []trustgate.Tag) bool {
	for i := range concurrentChanges {
		if !slices.Contains(tags, trustgate.Tag{Key: fmt.Sprintf("k%d", i), Value: "v"}) {
			return false
		}
	}
	return len(tags) == concurrentChanges
}
