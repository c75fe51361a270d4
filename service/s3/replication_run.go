package s3api

import (
	"context"
	"errors"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/access"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/session"
	"github.com/trustgate/trustgate/store"
)

// Live replication (note 81). A version a rule takes in is written
// pending, and the store keeps it on its list of versions to replicate
// in the same transaction; Replicate then copies each to the destinations
// of its rules, as the configuration's role assumed by S3, and settles
// its status: completed once every copy is made, failed for good when one
// cannot be.

// replicationSessionName is the session name of the role S3 assumes to
// replicate.
const replicationSessionName = "s3-replication"

// replicationBatch is how many pending versions Replicate reads at once.
const replicationBatch = 100

// markReplication sets o, about to be written in b, pending replication
// when a rule of b's configuration takes it in. A replica never is: S3
// does not replicate what it replicated.
func markReplication(b *trustgate.Bucket, o *trustgate.Object) {
	if b.Replication != nil && o.Replication != trustgate.ReplicationReplica && len(replicationTargets(b.Replication, o)) > 0 {
		o.Replication = trustgate.ReplicationPending
	}
}

// putVersion writes o as its key's current version in b, as the store's
// PutObject does, pending replication when a rule of b takes it in, and
// tells the replicator once it is written.
func (s *Service) putVersion(ctx context.Context, b *trustgate.Bucket, o *trustgate.Object, cond trustgate.WriteCondition) (*trustgate.Object, error) {
	markReplication(b, o)
	replaced, err := s.store.PutObject(ctx, o, cond)
	if err == nil {
		s.replicationWritten(o)
	}
	return replaced, err
}

// replicationWritten tells the replicator that o was written, if it is
// to be replicated.
func (s *Service) replicationWritten(o *trustgate.Object) {
	if o.Replication == trustgate.ReplicationPending {
		s.replicationDue()
	}
}

// replicationDue tells the replicator that versions wait.
func (s *Service) replicationDue() {
	select {
	case s.replicationQueued <- struct{}{}:
	default: // a run is already due
	}
}

// ReplicationQueued receives once versions were written that are to be
// replicated, for the caller that runs Replicate.
func (s *Service) ReplicationQueued() <-chan struct{} { return s.replicationQueued }

// replicationTargets are the rules that copy o: of the enabled rules
// whose filter takes it in (and that take in SSE-KMS objects, for one;
// that sync replica modifications, for a replica), for each destination
// bucket, the one of the highest priority. A delete marker goes only
// where that rule replicates delete markers.
func replicationTargets(conf *trustgate.BucketReplication, o *trustgate.Object) []*trustgate.ReplicationRule {
	var chosen []*trustgate.ReplicationRule
	kms := strings.HasPrefix(o.Headers[sseHeader], "aws:kms")
	replica := o.Replication == trustgate.ReplicationReplica
	for i := range conf.Rules {
		r := &conf.Rules[i]
		if !r.Enabled || !r.Filter.Matches(o) || kms && r.SSEKMSEncryptedObjects != "Enabled" ||
			replica && r.ReplicaModifications != "Enabled" {
			continue // an SSE-KMS object only where the rule opts in; a replica's changes likewise
		}
		same := slices.IndexFunc(chosen, func(c *trustgate.ReplicationRule) bool { return c.Destination.Bucket == r.Destination.Bucket })
		switch {
		case same < 0:
			chosen = append(chosen, r)
		case priorityOf(r) > priorityOf(chosen[same]):
			chosen[same] = r
		}
	}
	if o.DeleteMarker {
		// Rules of the first schema replicate the delete markers of
		// deletes; those of the current one, as they say.
		chosen = slices.DeleteFunc(chosen, func(r *trustgate.ReplicationRule) bool { return !r.LegacyPrefix && !r.ReplicatesDeleteMarkers() })
	}
	return chosen
}

func priorityOf(r *trustgate.ReplicationRule) int {
	if r.Priority == nil {
		return 0
	}
	return *r.Priority
}

// maxReplicationAttempts is how many runs may fail on one version before
// its replication is settled as failed, so that no version holds up the
// ones after it for good.
const maxReplicationAttempts = 5

// Replicate settles every version pending replication and tells how many
// it settled. A version whose replication meets an error stays pending,
// for the next run, and the run goes on with the others; it returns the
// last such error.
func (s *Service) Replicate(ctx context.Context) (int, error) {
	s.replicating.Lock() // one run at a time
	defer s.replicating.Unlock()
	settled := 0
	var failed error
	skip := map[store.PendingReplication]bool{} // failed in this run
	for {
		pending, err := s.store.PendingReplications(ctx, replicationBatch+len(skip))
		if err != nil {
			return settled, err
		}
		progress := false
		for _, v := range pending {
			if skip[v] {
				continue
			}
			status, err := s.replicate(ctx, v.VersionRef)
			if err != nil {
				failed, skip[v] = err, true
				if s.replicationAttempts[v.VersionRef]++; s.replicationAttempts[v.VersionRef] < maxReplicationAttempts {
					continue
				}
				// Given up: settled with the status replicate gave for it.
			}
			if err := s.store.SettleReplication(ctx, v, status); err != nil {
				return settled, err
			}
			delete(s.replicationAttempts, v.VersionRef)
			settled, progress = settled+1, true
		}
		if !progress {
			return settled, failed
		}
	}
}

// replicate copies one version to the destinations of its rules and
// tells its status: completed, failed, or none when no rule takes it in
// any longer. A version or bucket gone in the meantime has nothing left
// to replicate. A replica, whose changes go back where it came from,
// stays a replica whatever happens to them (S3 shows FAILED when they
// cannot go back; trustgate keeps it a replica, so that its source's
// later changes still reach it). With an error, the status is the one to
// settle the version with should its runs give up.
func (s *Service) replicate(ctx context.Context, v store.VersionRef) (trustgate.ReplicationStatus, error) {
	src, err := s.store.Bucket(ctx, v.Bucket)
	if errors.Is(err, trustgate.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return trustgate.ReplicationFailed, err
	}
	o, err := s.store.ObjectVersion(ctx, v.Bucket, v.Key, v.VersionID)
	if errors.Is(err, trustgate.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return trustgate.ReplicationFailed, err
	}
	done, failed := trustgate.ReplicationCompleted, trustgate.ReplicationFailed
	if o.Replication == trustgate.ReplicationReplica {
		done, failed = trustgate.ReplicationReplica, trustgate.ReplicationReplica
	}
	if src.Replication == nil {
		return failed, nil // the configuration was removed
	}
	targets := replicationTargets(src.Replication, o)
	if len(targets) == 0 {
		if o.Replication == trustgate.ReplicationReplica {
			return done, nil
		}
		return "", nil
	}
	role, err := s.replicationRole(ctx, src)
	if err != nil || role == nil {
		return failed, err
	}
	status := done // once every copy is made
	for _, r := range targets {
		copied, err := s.replicateTo(ctx, role, src, o, r.Destination)
		if err != nil {
			return failed, err
		}
		if !copied {
			status = failed
		}
	}
	return status, nil
}

// replicationRole is the session of the configuration's role that S3
// replicates as, nil when S3 may not assume the role: it does not exist,
// or its trust policy does not let s3.amazonaws.com assume it. The trust
// policy sees the source bucket as aws:SourceArn and its owner as
// aws:SourceAccount.
func (s *Service) replicationRole(ctx context.Context, src *trustgate.Bucket) (*trustgate.Principal, error) {
	a, ok := arn.Split(src.Replication.Role)
	if !ok {
		return nil, nil
	}
	if a.Account != src.Account {
		return nil, nil // S3 assumes no other account's role for a bucket
	}
	role, err := s.store.Role(ctx, a.Account, a.Resource[strings.LastIndexByte(a.Resource, '/')+1:])
	if errors.Is(err, trustgate.ErrNotFound) || err == nil && role.ARN() != src.Replication.Role {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	keys := policy.NewContext()
	keys.Set("aws:SourceAccount", src.Account)
	keys.Set("aws:SourceArn", src.ARN())
	s3Service := &trustgate.Principal{Caller: policy.Caller{Kind: policy.Service, ServiceName: "s3.amazonaws.com"}}
	r, err := s.access.Check(ctx, &access.Request{Principal: s3Service, Action: "sts:AssumeRole", Resource: role.ARN(),
		ResourceAccount: role.Account, ResourcePolicy: role.TrustPolicy, ResourceKind: policy.Trust, Context: keys})
	if err != nil || r.Decision != authz.Allow {
		return nil, err
	}
	now := s.now().UTC().Truncate(time.Second)
	claims := &session.Claims{Account: role.Account, Kind: session.AssumedRole, RoleARN: role.ARN(), RoleID: role.ID,
		SessionName: replicationSessionName, Issued: now, Expires: now.Add(time.Hour)}
	return claims.Principal(), nil
}

// replicationCheck decides one action of the replication role on a
// resource of bucket b, whose policy takes part, as S3 decides it for a
// request of the role's.
func (s *Service) replicationCheck(ctx context.Context, role *trustgate.Principal, action, resource string, b *trustgate.Bucket) (authz.Decision, error) {
	keys := policy.NewContext()
	keys.Set("s3:ResourceAccount", b.Account)
	r, err := s.access.Check(ctx, &access.Request{Principal: role, Action: action, Resource: resource, ResourceAccount: b.Account,
		ResourcePolicy: b.Policy, ResourceKind: policy.Resource, Context: keys, Origin: access.Origin{SecureTransport: true}})
	if err != nil {
		return authz.ImplicitDeny, err
	}
	if r.Decision == authz.Allow && role.Account != b.Account {
		if restricted, err := s.restrictedPublic(ctx, b); err != nil || restricted {
			return authz.ImplicitDeny, err // note 38
		}
	}
	return r.Decision, nil
}

// replicateTo copies o from src to a destination, as role, and tells
// whether it could: the destination must be a versioned bucket (with
// Object Lock when the source has it), and the role allowed to read the
// version for replication and to replicate it there, as S3's replication
// permissions say. Tags go along when the role may read them and is not
// denied s3:ReplicateTags; an Object Lock, when it may read it.
func (s *Service) replicateTo(ctx context.Context, role *trustgate.Principal, src *trustgate.Bucket, o *trustgate.Object, to trustgate.ReplicationDestination) (bool, error) {
	dest, err := s.store.Bucket(ctx, to.Bucket)
	if errors.Is(err, trustgate.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if dest.Versioning != trustgate.VersioningEnabled || src.ObjectLock.Enabled && !dest.ObjectLock.Enabled || dest.RequesterPays ||
		to.Account != "" && to.Account != dest.Account {
		return false, nil // S3 replicates to none of these
	}
	destARN := dest.ARN() + "/" + o.Key
	allowed := func(action, resource string, b *trustgate.Bucket) (bool, error) {
		d, err := s.replicationCheck(ctx, role, action, resource, b)
		return d == authz.Allow, err
	}
	// What the role must be allowed: reading the version (the bucket's
	// listing, for a delete marker), and writing it.
	type need struct {
		action, resource string
		on               *trustgate.Bucket // whose policy takes part
	}
	needs := []need{{"s3:GetObjectVersionForReplication", o.ARN(), src}, {"s3:ReplicateObject", destARN, dest}}
	if o.DeleteMarker {
		needs = []need{{"s3:ListBucket", src.ARN(), src}, {"s3:ReplicateDelete", destARN, dest}}
	}
	if o.Retention.Mode != "" {
		needs = append(needs, need{"s3:GetObjectRetention", o.ARN(), src})
	}
	if o.LegalHold != "" {
		needs = append(needs, need{"s3:GetObjectLegalHold", o.ARN(), src})
	}
	if to.OwnerOverride {
		needs = append(needs, need{"s3:ObjectOwnerOverrideToBucketOwner", destARN, dest})
	}
	for _, n := range needs {
		ok, err := allowed(n.action, n.resource, n.on)
		if err != nil || !ok {
			return false, err
		}
	}

	// Tags go along when the role may read them and is not denied
	// replicating them (tagsGo).
	var tags []trustgate.Tag
	tagsGo := len(o.Tags) == 0
	if !tagsGo {
		readable, err := allowed("s3:GetObjectVersionTagging", o.ARN(), src)
		if err != nil {
			return false, err
		}
		denied, err := s.replicationCheck(ctx, role, "s3:ReplicateTags", destARN, dest)
		if err != nil {
			return false, err
		}
		if tagsGo = readable && denied != authz.ExplicitDeny; tagsGo {
			tags = slices.Clone(o.Tags)
		}
	}

	// A copy made before, by a run that stopped before it settled the
	// version or for a change of its tags or Object Lock since, is the
	// copy, given the version's tags and lock as they are now.
	switch existing, err := s.store.ObjectVersion(ctx, dest.Name, o.Key, o.VersionID); {
	case err == nil:
		return true, s.syncReplica(ctx, existing, o, tags, tagsGo)
	case !errors.Is(err, trustgate.ErrNotFound):
		return false, err
	case o.Replication == trustgate.ReplicationReplica:
		return false, nil // the version a replica's changes go back to is gone
	}
	replica := &trustgate.Object{Bucket: dest.Name, Key: o.Key, VersionID: o.VersionID, LastModified: o.LastModified,
		DeleteMarker: o.DeleteMarker, Replication: trustgate.ReplicationReplica}
	if !o.DeleteMarker {
		replica.Size, replica.ETag, replica.ContentType = o.Size, o.ETag, o.ContentType
		replica.Metadata, replica.Headers = maps.Clone(o.Metadata), maps.Clone(o.Headers)
		replica.PartSizes, replica.PartChecksums = o.PartSizes, o.PartChecksums
		replica.Retention, replica.LegalHold = o.Retention, o.LegalHold
		if replica.Retention.Mode == "" && dest.ObjectLock.DefaultMode != "" {
			replica.Retention = dest.ObjectLock.DefaultRetention(s.now())
		}
		if to.ReplicaKMSKeyID != "" && strings.HasPrefix(replica.Headers[sseHeader], "aws:kms") {
			replica.Headers[kmsKeyHeader] = to.ReplicaKMSKeyID
		}
		switch to.StorageClass {
		case "":
		case "STANDARD":
			delete(replica.Headers, "X-Amz-Storage-Class")
		default:
			replica.Headers["X-Amz-Storage-Class"] = to.StorageClass
		}
		replica.Tags = tags
		if replica.Inline, replica.Blob, err = s.copyBody(o); err != nil {
			if errors.Is(err, errBodyReplaced) {
				return false, nil // the version was deleted as it was read
			}
			return false, err
		}
	}
	replaced, err := s.store.PutObject(ctx, replica, trustgate.WriteCondition{})
	if err != nil {
		s.blobs.Remove(replica.Blob)
		if errors.Is(err, trustgate.ErrNotFound) || errors.Is(err, trustgate.ErrLocked) {
			return false, nil // the destination went, or locks the version a copy made before
		}
		return false, err
	}
	if replaced != nil {
		s.blobs.Remove(replaced.Blob)
	}
	return true, nil
}

// syncReplica gives a copy made before (the replica, with o's version
// id) its source version's tags, when they go along (tagsGo), and Object
// Lock as they are now; or, for a replica's changes synced back (o a
// replica), the version it was made from the replica's. A retention is
// only ever lengthened, added or strengthened (mergedRetention); a legal
// hold follows, on or off.
func (s *Service) syncReplica(ctx context.Context, replica, o *trustgate.Object, tags []trustgate.Tag, tagsGo bool) error {
	if replica.DeleteMarker {
		return nil
	}
	if tagsGo && !slices.Equal(replica.Tags, tags) {
		if err := s.store.SetObjectTags(ctx, replica.Bucket, replica.Key, replica.VersionID, tags); err != nil && !errors.Is(err, trustgate.ErrNotFound) {
			return err
		}
	}
	now := s.now()
	if o.LegalHold == replica.LegalHold && replica.Retention == mergedRetention(replica.Retention, o.Retention, now) {
		return nil
	}
	err := s.store.ChangeObjectLock(ctx, replica.Bucket, replica.Key, replica.VersionID, func(cur *trustgate.Object) error {
		if o.LegalHold != "" {
			cur.LegalHold = o.LegalHold
		}
		cur.Retention = mergedRetention(cur.Retention, o.Retention, now)
		return nil
	})
	if errors.Is(err, trustgate.ErrNotFound) {
		return nil
	}
	return err
}

// mergedRetention is the retention a copy with cur takes from its source's
// src at now: the later date, and compliance where either is a compliance
// retention in force, so that a sync lengthens or strengthens a lock,
// never shortens or weakens it.
func mergedRetention(cur, src trustgate.Retention, now time.Time) trustgate.Retention {
	out := cur
	if src.Until.After(out.Until) {
		out.Until = src.Until
		if out.Mode != trustgate.Compliance || !now.Before(cur.Until) {
			out.Mode = src.Mode // a compliance retention run out binds nothing
		}
	}
	if src.Mode == trustgate.Compliance && now.Before(src.Until) {
		out.Mode = trustgate.Compliance
	}
	return out
}

// replicateChange puts a version back on the list of versions to
// replicate once its tags or Object Lock changed, when it was replicated
// before or is on its way, so that its replicas change too; and a
// replica, when a rule of its bucket syncs replica modifications, so that
// the version it was made from changes too (it shows REPLICA meanwhile).
func (s *Service) replicateChange(ctx context.Context, b *trustgate.Bucket, o *trustgate.Object) *Error {
	if b.Replication == nil {
		return nil
	}
	shown := trustgate.ReplicationPending
	switch o.Replication {
	case trustgate.ReplicationCompleted, trustgate.ReplicationPending:
	case trustgate.ReplicationReplica:
		shown = trustgate.ReplicationReplica
	default:
		return nil
	}
	if len(replicationTargets(b.Replication, o)) == 0 {
		return nil // no rule takes it in any longer: its status stands
	}
	if err := s.store.QueueReplication(ctx, store.VersionRef{Bucket: o.Bucket, Key: o.Key, VersionID: o.VersionID}, shown); err != nil {
		return internal(err)
	}
	s.replicationDue()
	return nil
}

// copyBody copies a version's body for its replica: an inline body as it
// is, a blob into a blob of the replica's own.
func (s *Service) copyBody(o *trustgate.Object) (inline []byte, blob string, err error) {
	if o.Blob == "" {
		return o.Inline, "", nil
	}
	body, closer, err := s.openBody(o)
	if err != nil {
		return nil, "", err
	}
	defer closer.Close()
	w, err := s.blobs.Put(io.NewSectionReader(body, 0, o.Size))
	if err != nil {
		return nil, "", err
	}
	return nil, w.ID, nil
}

// setReplicationStatus names a version's replication status on an
// answer about it.
func setReplicationStatus(h http.Header, o *trustgate.Object) {
	if o.Replication != "" {
		h["X-Amz-Replication-Status"] = []string{string(o.Replication)}
	}
}
