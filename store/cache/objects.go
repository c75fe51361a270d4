package cache

import (
	"context"
	"maps"
	"slices"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/store"
)

// maxObjectBytes bounds the inline bodies the object cache holds; past it
// the cache starts over, like the other maps past maxEntries.
const maxObjectBytes = 32 << 20

type objectKey struct{ bucket, key string }

// objectCopy copies what a caller may change. The inline body is shared:
// nothing writes into a body once it is stored.
func objectCopy(o trustgate.Object) trustgate.Object {
	o.Metadata = maps.Clone(o.Metadata)
	o.Headers = maps.Clone(o.Headers)
	o.Tags = slices.Clone(o.Tags)
	return o
}

// Object implements store.Store: a GetObject or HeadObject of a hot key,
// small bodies included, is answered from memory.
func (s *Store) Object(ctx context.Context, bucket, key string) (*trustgate.Object, error) {
	return lookupKeeping(s, s.objects, objectKey{bucket, key}, objectCopy,
		func() (*trustgate.Object, error) { return s.Store.Object(ctx, bucket, key) }, (*Store).keepObject)
}

// keepObject keeps an object read, within both bounds.
func (s *Store) keepObject(objects map[objectKey]trustgate.Object, k objectKey, o trustgate.Object) {
	if old, ok := objects[k]; ok {
		s.objectBytes -= len(old.Inline) // read twice at once
	}
	if len(objects) >= maxEntries || s.objectBytes+len(o.Inline) > maxObjectBytes {
		clear(objects)
		s.objectBytes = 0
	}
	objects[k] = o
	s.objectBytes += len(o.Inline)
}

func (s *Store) forgetObject(bucket, key string) {
	s.forget(func() {
		k := objectKey{bucket, key}
		if o, ok := s.objects[k]; ok {
			s.objectBytes -= len(o.Inline)
			delete(s.objects, k)
		}
	})
}

// PutObject implements store.Store.
func (s *Store) PutObject(ctx context.Context, o *trustgate.Object, cond trustgate.WriteCondition) (*trustgate.Object, error) {
	defer s.forgetObject(o.Bucket, o.Key)
	return s.Store.PutObject(ctx, o, cond)
}

// SetObjectTags implements store.Store.
func (s *Store) SetObjectTags(ctx context.Context, bucket, key, version string, tags []trustgate.Tag) error {
	defer s.forgetObject(bucket, key)
	return s.Store.SetObjectTags(ctx, bucket, key, version, tags)
}

// ChangeObjectLock implements store.Store.
func (s *Store) ChangeObjectLock(ctx context.Context, bucket, key, version string, change func(*trustgate.Object) error) error {
	defer s.forgetObject(bucket, key)
	return s.Store.ChangeObjectLock(ctx, bucket, key, version, change)
}

// DeleteObjectVersion implements store.Store: the key's current object
// may be the version deleted, or one it brings back.
func (s *Store) DeleteObjectVersion(ctx context.Context, bucket, key, version string, cond trustgate.WriteCondition) (*trustgate.Object, error) {
	defer s.forgetObject(bucket, key)
	return s.Store.DeleteObjectVersion(ctx, bucket, key, version, cond)
}

// DeleteObject implements store.Store.
func (s *Store) DeleteObject(ctx context.Context, bucket, key string, cond trustgate.WriteCondition) (*trustgate.Object, error) {
	defer s.forgetObject(bucket, key)
	return s.Store.DeleteObject(ctx, bucket, key, cond)
}

// CompleteUpload implements store.Store: the upload's object replaces
// whatever had its key.
func (s *Store) CompleteUpload(ctx context.Context, uploadID string, o *trustgate.Object, cond trustgate.WriteCondition) (*trustgate.Object, []*trustgate.Part, error) {
	defer s.forgetObject(o.Bucket, o.Key)
	return s.Store.CompleteUpload(ctx, uploadID, o, cond)
}

// QueueReplication implements store.Store.
func (s *Store) QueueReplication(ctx context.Context, v store.VersionRef, shown trustgate.ReplicationStatus) error {
	defer s.forgetObject(v.Bucket, v.Key)
	return s.Store.QueueReplication(ctx, v, shown)
}

// SettleReplication implements store.Store.
func (s *Store) SettleReplication(ctx context.Context, p store.PendingReplication, status trustgate.ReplicationStatus) error {
	defer s.forgetObject(p.Bucket, p.Key)
	return s.Store.SettleReplication(ctx, p, status)
}
