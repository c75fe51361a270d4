package s3api

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/url"
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
// same disk. It returns how many objects, versions and uploads it
// removed.
func (s *Service) ApplyLifecycle(ctx context.Context, now time.Time) (int, error) {
	accounts, err := s.store.Accounts(ctx)
	if err != nil {
		return 0, err
	}
	removed := 0
	for _, a := range accounts {
		buckets, err := s.store.Buckets(ctx, a.ID)
		if err != nil {
			return removed, err
		}
		for _, b := range buckets {
			for _, r := range b.Lifecycle {
				if !r.Enabled {
					continue
				}
				n, err := s.applyRule(ctx, b, r, now)
				removed += n
				if err != nil {
					return removed, err
				}
			}
		}
	}
	return removed, nil
}

// dueAt is when an action days after since is due: S3 adds the days to
// since and rounds up to the next midnight UTC.
func dueAt(since time.Time, days int) time.Time {
	at := since.UTC().Add(time.Duration(days) * 24 * time.Hour)
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
		if !r.Enabled || r.ExpirationDays == 0 && r.ExpirationDate.IsZero() || !lifecycleMatches(r.Filter, o) {
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

// lifecycleMatches tells whether a rule's filter takes in o: its key has
// the prefix, it has every tag, and its size is strictly within the
// bounds.
func lifecycleMatches(f trustgate.LifecycleFilter, o *trustgate.Object) bool {
	if !strings.HasPrefix(o.Key, f.Prefix) ||
		f.SizeGreaterThan > 0 && o.Size <= f.SizeGreaterThan || f.SizeLessThan > 0 && o.Size >= f.SizeLessThan {
		return false
	}
	for _, want := range f.Tags {
		found := false
		for _, t := range o.Tags {
			found = found || t == want
		}
		if !found {
			return false
		}
	}
	return true
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

// applyRule carries out one rule on b.
func (s *Service) applyRule(ctx context.Context, b *trustgate.Bucket, r trustgate.LifecycleRule, now time.Time) (int, error) {
	removed := 0
	if r.ExpirationDays > 0 || !r.ExpirationDate.IsZero() {
		n, err := s.expireCurrent(ctx, b, r, now)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	if r.NoncurrentDays > 0 || r.ExpiredObjectDeleteMarker {
		n, err := s.expireVersions(ctx, b, r, now)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	if r.AbortUploadDays > 0 {
		n, err := s.abortStaleUploads(ctx, b, r, now)
		removed += n
		if err != nil {
			return removed, err
		}
	}
	return removed, nil
}

// expireCurrent deletes the current objects a rule's expiration has come
// for, as a DELETE without a version would: behind a delete marker on a
// bucket that has versioning. An object written since it was listed is
// left for the next run.
func (s *Service) expireCurrent(ctx context.Context, b *trustgate.Bucket, r trustgate.LifecycleRule, now time.Time) (int, error) {
	var expired []*trustgate.Object
	after := ""
	for {
		batch, err := s.store.Objects(ctx, b.Name, r.Filter.Prefix, after, DefaultMaxKeys)
		if err != nil || len(batch) == 0 {
			if err != nil {
				return 0, err
			}
			break
		}
		for _, o := range batch {
			after = o.Key
			if !lifecycleMatches(r.Filter, o) {
				continue
			}
			if r.ExpirationDays > 0 && due(o.LastModified, r.ExpirationDays, now) || !r.ExpirationDate.IsZero() && !now.Before(r.ExpirationDate) {
				expired = append(expired, o)
			}
		}
	}
	removed := 0
	for _, o := range expired {
		_, err := s.removeVersion(ctx, b, o.Key, "", false, trustgate.WriteCondition{IfMatch: o.ETag})
		switch {
		case err == nil:
			removed++
		case err.Code != "PreconditionFailed" && err.Code != "NoSuchKey":
			return removed, err
		}
	}
	return removed, nil
}

// expireVersions removes the noncurrent versions a rule's days have come
// for, the rule's NewerNoncurrentVersions newest of each key kept, and
// delete markers that are all that is left of their key. A version is
// noncurrent from when the version after it was written.
func (s *Service) expireVersions(ctx context.Context, b *trustgate.Bucket, r trustgate.LifecycleRule, now time.Time) (int, error) {
	var doomed []*trustgate.Object
	var key []*trustgate.Object // the versions of one key, newest first
	decide := func() {
		if len(key) == 1 && key[0].DeleteMarker && r.ExpiredObjectDeleteMarker {
			doomed = append(doomed, key[0])
		}
		if r.NoncurrentDays == 0 {
			return
		}
		for i := 1; i < len(key); i++ {
			if i > r.NewerNoncurrentVersions && lifecycleMatches(r.Filter, key[i]) && due(key[i-1].LastModified, r.NoncurrentDays, now) {
				doomed = append(doomed, key[i])
			}
		}
	}
	mark := store.VersionMark{}
	for {
		batch, err := s.store.ObjectVersions(ctx, b.Name, r.Filter.Prefix, mark, DefaultMaxKeys)
		if err != nil {
			return 0, err
		}
		if len(batch) == 0 {
			break
		}
		for _, v := range batch {
			if len(key) > 0 && key[0].Key != v.Key {
				decide()
				key = nil
			}
			key = append(key, v)
		}
		last := batch[len(batch)-1]
		mark = store.VersionMark{Key: last.Key, Version: last.VersionID, InKey: true}
	}
	decide()
	removed := 0
	for _, v := range doomed {
		o, err := s.store.DeleteObjectVersion(ctx, b.Name, v.Key, v.VersionID, trustgate.WriteCondition{})
		switch {
		case errors.Is(err, trustgate.ErrNotFound):
			continue
		case err != nil:
			return removed, err
		}
		s.blobs.Remove(o.Blob)
		removed++
	}
	return removed, nil
}

// abortStaleUploads aborts the multipart uploads of the rule's prefix
// started its days ago.
func (s *Service) abortStaleUploads(ctx context.Context, b *trustgate.Bucket, r trustgate.LifecycleRule, now time.Time) (int, error) {
	uploads, err := s.store.Uploads(ctx, b.Name)
	if err != nil {
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
		removed++
	}
	return removed, nil
}
