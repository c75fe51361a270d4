package s3api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// ApplyLifecycle carries out every bucket's enabled lifecycle rules as
// of now, as S3 does in the background (note 76): current objects past
// their expiration are deleted (behind a delete marker where the bucket
// has versioning), noncurrent versions past their days are removed but
// for the newest ones a rule keeps, delete markers left alone are
// removed, and multipart uploads never completed are aborted.
// Transitions are kept, not carried out: every storage class here is the
// same disk. A bucket that fails does not keep the others from their
// rules. It returns how many objects, versions and uploads it removed,
// and what failed.
func (s *Service) ApplyLifecycle(ctx context.Context, now time.Time) (int, error) {
	accounts, err := s.store.Accounts(ctx)
	if err != nil {
		return 0, err
	}
	removed := 0
	var failed []error
	for _, a := range accounts {
		buckets, err := s.store.Buckets(ctx, a.ID)
		if err != nil {
			failed = append(failed, err)
			continue
		}
		for _, b := range buckets {
			for _, r := range b.Lifecycle {
				if !r.Enabled {
					continue
				}
				n, err := s.applyRule(ctx, b.Name, r, now)
				removed += n
				if err != nil && ctx.Err() == nil {
					failed = append(failed, fmt.Errorf("bucket %s, rule %s: %w", b.Name, r.ID, err))
				}
			}
		}
	}
	return removed, errors.Join(failed...)
}

// stillRuling is bucket as it is now, if it still has rule as it was:
// a rule changed or removed since the run began is not carried out, and
// its deletions follow the bucket's versioning as it is now.
func (s *Service) stillRuling(ctx context.Context, bucket string, rule trustgate.LifecycleRule) (*trustgate.Bucket, error) {
	b, err := s.store.Bucket(ctx, bucket)
	if errors.Is(err, trustgate.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	for _, r := range b.Lifecycle {
		if reflect.DeepEqual(r, rule) {
			return b, nil
		}
	}
	return nil, nil
}

// dueAt is when an action days after since is due: S3 adds the days to
// since and rounds up to the next midnight UTC.
func dueAt(since time.Time, days int) time.Time {
	at := since.UTC().AddDate(0, 0, days)
	if midnight := at.Truncate(24 * time.Hour); !midnight.Equal(at) {
		at = midnight.Add(24 * time.Hour)
	}
	return at
}

// due tells whether an action days after since is due at now.
func due(since time.Time, days int, now time.Time) bool {
	return !now.Before(dueAt(since, days))
}

// setExpiration names, on an answer about o, the current version of its
// key, when a rule of b will expire it, as S3 does: the earliest date of
// the enabled rules whose Days or Date take it in, and that rule's ID.
func setExpiration(h http.Header, b *trustgate.Bucket, o *trustgate.Object) {
	var at time.Time
	var id string
	for _, r := range b.Lifecycle {
		if !r.Enabled || r.ExpirationDays == 0 && r.ExpirationDate.IsZero() || !r.Filter.Matches(o) {
			continue
		}
		when := r.ExpirationDate
		if r.ExpirationDays > 0 {
			when = dueAt(o.LastModified, r.ExpirationDays)
		}
		if id == "" || when.Before(at) {
			at, id = when, r.ID
		}
	}
	if id != "" {
		h.Set("X-Amz-Expiration", fmt.Sprintf(`expiry-date="%s", rule-id="%s"`, at.UTC().Format(http.TimeFormat),
			strings.ReplaceAll(url.QueryEscape(id), "+", "%20")))
	}
}

// setAbortDate names, on an answer about upload u, when a rule of b will
// abort it, as S3 does: the earliest date of the enabled rules whose
// AbortIncompleteMultipartUpload takes its key in, and that rule's ID.
func setAbortDate(h http.Header, b *trustgate.Bucket, u *trustgate.Upload) {
	var at time.Time
	var id string
	for _, r := range b.Lifecycle {
		if !r.Enabled || r.AbortUploadDays == 0 || !strings.HasPrefix(u.Key, r.Filter.Prefix) {
			continue
		}
		if when := dueAt(u.Initiated, r.AbortUploadDays); id == "" || when.Before(at) {
			at, id = when, r.ID
		}
	}
	if id != "" {
		h.Set("X-Amz-Abort-Date", at.UTC().Format(http.TimeFormat))
		h.Set("X-Amz-Abort-Rule-Id", id)
	}
}

// applyRule carries out one rule on a bucket.
func (s *Service) applyRule(ctx context.Context, bucket string, r trustgate.LifecycleRule, now time.Time) (int, error) {
	removed := 0
	expires := r.ExpirationDays > 0 || !r.ExpirationDate.IsZero()
	if expires {
		n, err := s.expireCurrent(ctx, bucket, r, now)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	// An expiration by days or date also takes the delete markers left
	// alone once they are as old.
	if r.NoncurrentDays > 0 || r.RemovesDeleteMarkers() || expires {
		n, err := s.expireVersions(ctx, bucket, r, now)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	if r.AbortUploadDays > 0 {
		n, err := s.abortStaleUploads(ctx, bucket, r, now)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	return removed, nil
}

// expiresAt tells whether a rule's expiration by days or date has come,
// at now, for a version written at modified.
func expiresAt(r trustgate.LifecycleRule, modified, now time.Time) bool {
	return r.ExpirationDays > 0 && due(modified, r.ExpirationDays, now) || !r.ExpirationDate.IsZero() && !now.Before(r.ExpirationDate)
}

// expireCurrent deletes the current objects a rule's expiration has come
// for, as a DELETE without a version would: behind a delete marker on a
// bucket that has versioning. An object written since it was listed is
// left for the next run.
func (s *Service) expireCurrent(ctx context.Context, bucket string, r trustgate.LifecycleRule, now time.Time) (int, error) {
	var expired []*trustgate.Object
	after := ""
	for {
		batch, err := s.store.Objects(ctx, bucket, r.Filter.Prefix, after, DefaultMaxKeys)
		if err != nil {
			return 0, err
		}
		if len(batch) == 0 {
			break
		}
		for _, o := range batch {
			after = o.Key
			if r.Filter.Matches(o) && expiresAt(r, o.LastModified, now) {
				expired = append(expired, o)
			}
		}
	}
	if len(expired) == 0 {
		return 0, nil
	}
	b, err := s.stillRuling(ctx, bucket, r)
	if b == nil || err != nil {
		return 0, err
	}
	removed := 0
	for _, o := range expired {
		// Tags change without a new version: read it again just before.
		fresh, err := s.store.Object(ctx, bucket, o.Key)
		if err != nil || !fresh.LastModified.Equal(o.LastModified) || !r.Filter.Matches(fresh) {
			if err != nil && !errors.Is(err, trustgate.ErrNotFound) {
				return removed, err
			}
			continue
		}
		done, rerr := s.removeVersion(ctx, b, o.Key, "", false, false, trustgate.WriteCondition{IfMatch: o.ETag, Modified: o.LastModified})
		switch {
		case rerr == nil:
			if done.marker {
				s.lifecycleRecord(b, now, "S3.CREATE.DELETEMARKER", o.Key, done.version, 0)
			} else {
				s.lifecycleRecord(b, now, "S3.EXPIRE.OBJECT", o.Key, "", o.Size)
			}
			removed++
		case rerr.Code != "PreconditionFailed" && rerr.Code != "NoSuchKey" && rerr.Code != "AccessDenied":
			// Changed since it was listed, gone, or locked: left as it is.
			return removed, rerr
		}
	}
	return removed, nil
}

// expireVersions removes the noncurrent versions a rule's days have come
// for, the rule's NewerNoncurrentVersions newest of each key kept, and
// delete markers that are all that is left of their key. A version is
// noncurrent from when the version after it was written. Each goes only
// if it is still as listed (ExpireVersion).
func (s *Service) expireVersions(ctx context.Context, bucket string, r trustgate.LifecycleRule, now time.Time) (int, error) {
	var doomed []*trustgate.Object
	var key []*trustgate.Object // the versions of one key, newest first
	seen := map[string]bool{}   // the versions of the key already in key
	decide := func() {
		if len(key) == 1 && key[0].DeleteMarker && key[0].IsLatest && r.Filter.Matches(key[0]) &&
			(r.RemovesDeleteMarkers() || expiresAt(r, key[0].LastModified, now)) {
			doomed = append(doomed, key[0])
		}
		if r.NoncurrentDays == 0 {
			return
		}
		for i := 1; i < len(key); i++ {
			if !key[i].IsLatest && i > r.NewerNoncurrentVersions && r.Filter.Matches(key[i]) && due(key[i-1].LastModified, r.NoncurrentDays, now) {
				doomed = append(doomed, key[i])
			}
		}
	}
	mark := store.VersionMark{}
	for {
		batch, err := s.store.ObjectVersions(ctx, bucket, r.Filter.Prefix, mark, DefaultMaxKeys)
		if err != nil {
			return 0, err
		}
		if len(batch) == 0 {
			break
		}
		for _, v := range batch {
			if len(key) > 0 && key[0].Key != v.Key {
				decide()
				key, seen = nil, map[string]bool{}
			}
			// A page after a version deleted since starts its key
			// again: what is listed twice counts once.
			if !seen[v.VersionID] {
				seen[v.VersionID] = true
				key = append(key, v)
			}
		}
		last := batch[len(batch)-1]
		mark = store.VersionMark{Key: last.Key, Version: last.VersionID, InKey: true}
	}
	decide()
	if len(doomed) == 0 {
		return 0, nil
	}
	b, err := s.stillRuling(ctx, bucket, r)
	if b == nil || err != nil {
		return 0, err
	}
	removed := 0
	for _, v := range doomed {
		if !v.DeleteMarker {
			// Tags change without a new version: read it again just before.
			fresh, err := s.store.ObjectVersion(ctx, bucket, v.Key, v.VersionID)
			if errors.Is(err, trustgate.ErrNotFound) || err == nil && !r.Filter.Matches(fresh) {
				continue
			}
			if err != nil {
				return removed, err
			}
		}
		keep := 0
		if !v.IsLatest {
			keep = r.NewerNoncurrentVersions
		}
		gone, err := s.store.ExpireVersion(ctx, v, keep, now)
		if err != nil {
			return removed, err
		}
		if gone {
			s.blobs.Remove(v.Blob)
			s.lifecycleRecord(b, now, "S3.EXPIRE.OBJECT", v.Key, v.VersionID, v.Size)
			removed++
		}
	}
	return removed, nil
}

// abortStaleUploads aborts the multipart uploads of the rule's prefix
// started its days ago.
func (s *Service) abortStaleUploads(ctx context.Context, bucket string, r trustgate.LifecycleRule, now time.Time) (int, error) {
	uploads, err := s.store.Uploads(ctx, bucket)
	if err != nil || len(uploads) == 0 {
		return 0, err
	}
	b, err := s.stillRuling(ctx, bucket, r)
	if b == nil || err != nil {
		return 0, err
	}
	removed := 0
	for _, u := range uploads {
		if !strings.HasPrefix(u.Key, r.Filter.Prefix) || !due(u.Initiated, r.AbortUploadDays, now) {
			continue
		}
		parts, err := s.store.AbortUpload(ctx, u.ID)
		switch {
		case errors.Is(err, trustgate.ErrNotFound):
			continue
		case err != nil:
			return removed, err
		}
		for _, p := range parts {
			s.blobs.Remove(p.Blob)
		}
		s.lifecycleRecord(b, now, "S3.DELETE.UPLOAD", u.Key, "", 0)
		removed++
	}
	return removed, nil
}
