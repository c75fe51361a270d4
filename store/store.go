// Package store defines how trustgate keeps its domain: the interface
// every backend implements. Package storetest is the conformance suite
// every backend must pass; store/sqlite is the embedded default.
package store

import (
	"context"
	"time"

	"github.com/trustgate/trustgate"
)

// Changes is implemented by stores that count their writes, so that what
// is derived from them (a principal's compiled policies) can be kept until
// the next change.
type Changes interface {
	// Generation returns a number that grows after every write that can
	// change a principal's policies: its user or role, group memberships,
	// inline and attached policies, boundary, tags, and managed policies
	// and their versions. What was read while it stayed the same is
	// current.
	Generation() uint64
}

// Store keeps the organization, its accounts and their IAM entities.
// Every method is atomic and durable once it returns: nothing acknowledged
// is lost when the process dies.
//
// The Update methods change a record in place: the store reads it, calls
// change with what is committed, and stores what change made of it, all
// in one transaction. So updates made at once to one record all hold (a
// tag added while the boundary is set keeps both), and a check in change
// (a tag limit, say) sees the record it is about to write. change must
// not call the store, and may run while other writes wait: it only edits
// the record. When it returns an error, nothing is stored and the Update
// returns that error.
type Store interface {
	// Atomically runs fn with a Store whose reads and writes are all one
	// transaction: what fn writes is committed when it returns nil, and
	// none of it when it returns an error. Each write within fails or
	// holds alone, as outside, so fn may go on after one fails. fn runs
	// while every other write waits, so it should do little; it must use
	// only the Store it is given (a write through another would wait for
	// fn's own to end), and not keep it.
	Atomically(ctx context.Context, fn func(Store) error) error

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
	// CreateMemberAccount adds an account with its administration role
	// and the record of its creation, all or nothing; with no account, it
	// records a request that failed. Returns ErrConflict for a taken id.
	CreateMemberAccount(ctx context.Context, m *trustgate.MemberAccount) error
	// MoveAccount moves an account from one parent (root or OU) to
	// another. Returns ErrNotFound when the account is not in from or
	// to does not exist.
	MoveAccount(ctx context.Context, id, from, to string) error

	// Organizations: OUs, policies and their attachments.

	// SetPolicyTypes replaces the policy types enabled on the root.
	SetPolicyTypes(ctx context.Context, types []string) error
	// CreateOU adds an OU. Returns ErrNotFound for an unknown parent,
	// ErrConflict when the parent has an OU of that name.
	CreateOU(ctx context.Context, ou *trustgate.OrganizationalUnit) error
	// OU returns an OU. Returns ErrNotFound.
	OU(ctx context.Context, id string) (*trustgate.OrganizationalUnit, error)
	// OUs lists every OU, ordered by id.
	OUs(ctx context.Context) ([]*trustgate.OrganizationalUnit, error)
	// RenameOU renames an OU. Returns ErrNotFound, or ErrConflict when its
	// parent has another OU of the name.
	RenameOU(ctx context.Context, id, name string) error
	// DeleteOU removes an OU and its policy attachments. Returns
	// ErrNotFound, or ErrConflict while it holds accounts or OUs.
	DeleteOU(ctx context.Context, id string) error
	// CreateOrgPolicy adds a policy. Returns ErrConflict for a taken name.
	CreateOrgPolicy(ctx context.Context, p *trustgate.OrgPolicy) error
	// OrgPolicy returns a policy created in the organization. Returns
	// ErrNotFound.
	OrgPolicy(ctx context.Context, id string) (*trustgate.OrgPolicy, error)
	// OrgPolicies lists the organization's policies, ordered by name.
	OrgPolicies(ctx context.Context) ([]*trustgate.OrgPolicy, error)
	// UpdateOrgPolicy changes a policy's name, description and document
	// to what change makes of them. Returns ErrNotFound, or ErrConflict
	// for a name another policy has.
	UpdateOrgPolicy(ctx context.Context, id string, change func(*trustgate.OrgPolicy) error) error
	// DeleteOrgPolicy removes a policy. Returns ErrNotFound, or
	// ErrConflict while it is attached.
	DeleteOrgPolicy(ctx context.Context, id string) error
	// AttachOrgPolicy attaches a policy to a target. Returns ErrConflict
	// when it is attached there already.
	AttachOrgPolicy(ctx context.Context, a trustgate.OrgAttachment) error
	// DetachOrgPolicy detaches a policy. Returns ErrNotFound when it is
	// not attached there.
	DetachOrgPolicy(ctx context.Context, a trustgate.OrgAttachment) error
	// OrgAttachments lists every attachment, ordered by policy then target.
	OrgAttachments(ctx context.Context) ([]trustgate.OrgAttachment, error)
	// OrgTags returns the tags of a root, OU, account or policy.
	OrgTags(ctx context.Context, id string) ([]trustgate.Tag, error)
	// SetOrgTags replaces the tags of a root, OU, account or policy, as
	// one is created.
	SetOrgTags(ctx context.Context, id string, tags []trustgate.Tag) error
	// UpdateOrgTags changes the tags of a root, OU, account or policy to
	// what change makes of them.
	UpdateOrgTags(ctx context.Context, id string, change func([]trustgate.Tag) ([]trustgate.Tag, error)) error
	// CreateAccountStatus returns the record of a CreateAccount request.
	// Returns ErrNotFound.
	CreateAccountStatus(ctx context.Context, id string) (*trustgate.CreateAccountStatus, error)
	// CreateAccountStatuses lists every such record, newest first.
	CreateAccountStatuses(ctx context.Context) ([]*trustgate.CreateAccountStatus, error)

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
	// RecordAccessKeyUse records a key's latest use. Returns ErrNotFound.
	RecordAccessKeyUse(ctx context.Context, id string, use trustgate.KeyUse) error
	// AccessKeyLastUsed returns a key's latest recorded use, zero if none.
	// Returns ErrNotFound.
	AccessKeyLastUsed(ctx context.Context, id string) (trustgate.KeyUse, error)

	// User returns a user; names are case-insensitive. Returns ErrNotFound.
	User(ctx context.Context, account, name string) (*trustgate.User, error)
	// CreateUser adds a user. Returns ErrConflict when the name is taken
	// in any case, ErrNotFound when the account does not exist.
	CreateUser(ctx context.Context, u *trustgate.User) error
	// Users lists an account's users whose path starts with pathPrefix,
	// ordered by name.
	Users(ctx context.Context, account, pathPrefix string) ([]*trustgate.User, error)
	// UpdateUser changes the name, path, boundary and tags of a user to
	// what change makes of them. A new name carries the user's keys,
	// memberships, policies, MFA devices and login profile with it.
	// Returns ErrNotFound, or ErrConflict when the new name is another
	// user's.
	UpdateUser(ctx context.Context, account, name string, change func(*trustgate.User) error) error
	// DeleteUser removes a user. Returns ErrNotFound, or ErrConflict
	// while the user still has access keys, group memberships, policies,
	// an enabled MFA device or a login profile.
	DeleteUser(ctx context.Context, account, name string) error

	// Login profiles.

	// PutLoginProfile creates a user's login profile, or replaces it when
	// replace is set. Returns ErrNotFound for an unknown user (or, with
	// replace, a user without a profile), ErrConflict when creating a
	// profile the user has.
	PutLoginProfile(ctx context.Context, p *trustgate.LoginProfile, replace bool) error
	// LoginProfile returns a user's login profile. Returns ErrNotFound.
	LoginProfile(ctx context.Context, account, userName string) (*trustgate.LoginProfile, error)
	// DeleteLoginProfile removes a user's login profile. Returns ErrNotFound.
	DeleteLoginProfile(ctx context.Context, account, userName string) error

	// Account aliases: at most one per account, each unique everywhere.

	// AccountAlias returns the account's alias, "" when it has none.
	AccountAlias(ctx context.Context, account string) (string, error)
	// SetAccountAlias gives an account its alias, replacing any it had.
	// Returns ErrConflict when another account has the alias, ErrNotFound
	// for an unknown account.
	SetAccountAlias(ctx context.Context, account, alias string) error
	// DeleteAccountAlias removes the account's alias if it is alias.
	// Returns ErrNotFound otherwise.
	DeleteAccountAlias(ctx context.Context, account, alias string) error

	// Groups.

	// Group returns a group. Returns ErrNotFound.
	Group(ctx context.Context, account, name string) (*trustgate.Group, error)
	// CreateGroup adds a group. Returns ErrConflict, or ErrNotFound for
	// an unknown account.
	CreateGroup(ctx context.Context, g *trustgate.Group) error
	// Groups lists an account's groups under pathPrefix, ordered by name.
	Groups(ctx context.Context, account, pathPrefix string) ([]*trustgate.Group, error)
	// UpdateGroup changes the name and path of a group to what change
	// makes of them; its members and policies follow a new name. Returns
	// ErrNotFound, or ErrConflict when the new name is another group's.
	UpdateGroup(ctx context.Context, account, name string, change func(*trustgate.Group) error) error
	// DeleteGroup removes a group. Returns ErrNotFound, or ErrConflict
	// while it has members or policies.
	DeleteGroup(ctx context.Context, account, name string) error
	// AddUserToGroup adds a member; adding one twice is not an error.
	// Returns ErrNotFound for an unknown user or group.
	AddUserToGroup(ctx context.Context, account, group, user string) error
	// RemoveUserFromGroup removes a member. Returns ErrNotFound when the
	// user is not a member.
	RemoveUserFromGroup(ctx context.Context, account, group, user string) error
	// GroupsForUser lists the groups a user belongs to, ordered by name.
	GroupsForUser(ctx context.Context, account, user string) ([]*trustgate.Group, error)
	// GroupMembers lists a group's users, ordered by name.
	GroupMembers(ctx context.Context, account, group string) ([]*trustgate.User, error)

	// Roles.

	// Role returns a role. Returns ErrNotFound.
	Role(ctx context.Context, account, name string) (*trustgate.Role, error)
	// CreateRole adds a role. Returns ErrConflict, or ErrNotFound for an
	// unknown account.
	CreateRole(ctx context.Context, r *trustgate.Role) error
	// UpdateRole changes a role's trust policy, description, maximum
	// session duration, boundary and tags to what change makes of them.
	// Returns ErrNotFound.
	UpdateRole(ctx context.Context, account, name string, change func(*trustgate.Role) error) error
	// Roles lists an account's roles under pathPrefix, ordered by name.
	Roles(ctx context.Context, account, pathPrefix string) ([]*trustgate.Role, error)
	// DeleteRole removes a role. Returns ErrNotFound, or ErrConflict
	// while it has policies.
	DeleteRole(ctx context.Context, account, name string) error

	// Policies on users, groups and roles.

	// PutInlinePolicy adds or replaces an inline policy. Returns
	// ErrNotFound when the entity does not exist.
	PutInlinePolicy(ctx context.Context, e trustgate.Entity, p trustgate.InlinePolicy) error
	// InlinePolicy returns one inline policy. Returns ErrNotFound.
	InlinePolicy(ctx context.Context, e trustgate.Entity, name string) (*trustgate.InlinePolicy, error)
	// InlinePolicies lists an entity's inline policies, ordered by name.
	InlinePolicies(ctx context.Context, e trustgate.Entity) ([]trustgate.InlinePolicy, error)
	// DeleteInlinePolicy removes an inline policy. Returns ErrNotFound.
	DeleteInlinePolicy(ctx context.Context, e trustgate.Entity, name string) error
	// AttachPolicy attaches a managed policy; attaching twice is not an
	// error. Returns ErrNotFound when the entity does not exist.
	AttachPolicy(ctx context.Context, e trustgate.Entity, policyARN string) error
	// DetachPolicy detaches a managed policy. Returns ErrNotFound when it
	// is not attached.
	DetachPolicy(ctx context.Context, e trustgate.Entity, policyARN string) error
	// AttachedPolicies lists the ARNs attached to an entity, sorted.
	AttachedPolicies(ctx context.Context, e trustgate.Entity) ([]string, error)

	// Customer managed policies, named by ARN.

	// CreateManagedPolicy adds a customer managed policy with document as
	// its first version, v1, the default. Returns ErrConflict when the
	// name is taken in the account in any case, ErrNotFound for an unknown
	// account.
	CreateManagedPolicy(ctx context.Context, p *trustgate.ManagedPolicy, document string) error
	// ManagedPolicy returns a customer managed policy. Returns ErrNotFound.
	ManagedPolicy(ctx context.Context, arn string) (*trustgate.ManagedPolicy, error)
	// ManagedPolicies lists an account's customer managed policies whose
	// path starts with pathPrefix, ordered by name.
	ManagedPolicies(ctx context.Context, account, pathPrefix string) ([]*trustgate.ManagedPolicy, error)
	// UpdateManagedPolicyTags changes a policy's tags to what change
	// makes of them; change sees the whole policy, and only its tags are
	// stored. Returns ErrNotFound.
	UpdateManagedPolicyTags(ctx context.Context, arn string, change func(*trustgate.ManagedPolicy) error) error
	// DeleteManagedPolicy removes a policy with its default version.
	// Returns ErrNotFound, or ErrConflict while the policy is attached to
	// an entity, is an entity's permissions boundary, or has versions
	// besides the default.
	DeleteManagedPolicy(ctx context.Context, arn string) error
	// CreatePolicyVersion adds a version to a policy, numbered after every
	// version it ever had, and makes it the default when v.Default is
	// set; it sets v.ID. Returns ErrNotFound, or ErrLimit when the policy
	// has maxVersions versions already.
	CreatePolicyVersion(ctx context.Context, arn string, v *trustgate.PolicyVersion, maxVersions int) error
	// PolicyVersion returns one version of a policy, the default one when
	// id is "". Returns ErrNotFound.
	PolicyVersion(ctx context.Context, arn, id string) (*trustgate.PolicyVersion, error)
	// PolicyVersions lists a policy's versions, newest first. Returns
	// ErrNotFound for an unknown policy.
	PolicyVersions(ctx context.Context, arn string) ([]*trustgate.PolicyVersion, error)
	// SetDefaultPolicyVersion makes a version the default. Returns
	// ErrNotFound for an unknown policy or version.
	SetDefaultPolicyVersion(ctx context.Context, arn, id string) error
	// DeletePolicyVersion removes a version. Returns ErrNotFound, or
	// ErrConflict for the default version.
	DeletePolicyVersion(ctx context.Context, arn, id string) error
	// PolicyUses lists the entities of an account a managed policy (AWS
	// or customer) is attached to, and the users and roles whose
	// permissions boundary it is, each ordered by kind and name.
	PolicyUses(ctx context.Context, account, arn string) (attached, boundaryOf []trustgate.Entity, err error)

	// Close releases the store.
	Close() error

	// S3 buckets and their objects; bodies are blobs, or kept in the
	// object (Inline) when small.

	// AccountPublicAccessBlock returns the Block Public Access an account
	// set for all its buckets (S3 Control's), nil when it set none.
	// Returns ErrNotFound for an unknown account.
	AccountPublicAccessBlock(ctx context.Context, account string) (*trustgate.PublicAccessBlock, error)
	// SetAccountPublicAccessBlock sets an account's Block Public Access,
	// or removes it (nil). Returns ErrNotFound for an unknown account.
	SetAccountPublicAccessBlock(ctx context.Context, account string, pab *trustgate.PublicAccessBlock) error

	// CreateAccessPoint adds an access point. Returns ErrConflict when
	// its account has one of its name or its alias is taken, ErrNotFound
	// for an unknown account, or when its bucket is not BucketAccount's.
	CreateAccessPoint(ctx context.Context, ap *trustgate.AccessPoint) error
	// AccessPoint returns an account's access point by name, and
	// AccessPointByAlias any account's by alias. Both return ErrNotFound.
	AccessPoint(ctx context.Context, account, name string) (*trustgate.AccessPoint, error)
	AccessPointByAlias(ctx context.Context, alias string) (*trustgate.AccessPoint, error)
	// AccessPoints lists an account's access points, ordered by name.
	AccessPoints(ctx context.Context, account string) ([]*trustgate.AccessPoint, error)
	// UpdateAccessPoint changes an access point's policy and tags to what
	// change makes of them. Returns ErrNotFound.
	UpdateAccessPoint(ctx context.Context, account, name string, change func(*trustgate.AccessPoint) error) error
	// DeleteAccessPoint removes an access point. Returns ErrNotFound.
	DeleteAccessPoint(ctx context.Context, account, name string) error

	// CreateBucket adds a bucket. Returns ErrConflict when the name is
	// taken in any account, ErrNotFound for an unknown account.
	CreateBucket(ctx context.Context, b *trustgate.Bucket) error
	// Bucket returns a bucket by name. Returns ErrNotFound.
	Bucket(ctx context.Context, name string) (*trustgate.Bucket, error)
	// Buckets lists an account's buckets, ordered by name.
	Buckets(ctx context.Context, account string) ([]*trustgate.Bucket, error)
	// UpdateBucket changes a bucket's settings (all but its name, owner,
	// region and creation) to what change makes of them. Returns
	// ErrNotFound.
	UpdateBucket(ctx context.Context, name string, change func(*trustgate.Bucket) error) error
	// DeleteBucket removes a bucket with its configurations, and the
	// multipart uploads in progress in it, whose parts it returns for
	// their blobs. Returns ErrNotFound,
	// ErrConflict while it holds objects, or ErrAccessPointsAttached
	// while access points of its owner lead to it (another account's
	// are left to lead nowhere).
	DeleteBucket(ctx context.Context, name string) (aborted []*trustgate.Part, err error)

	// The configurations a bucket keeps by ID, each of a kind.

	// PutBucketConfiguration adds c to a bucket of account, or replaces
	// the one of its kind and ID. Returns ErrNotFound unless account owns
	// the bucket, ErrLimit when adding one to a bucket that has limit of
	// its kind already.
	PutBucketConfiguration(ctx context.Context, account, bucket string, c trustgate.BucketConfiguration, limit int) error
	// BucketConfiguration returns a bucket's configuration of a kind by
	// ID. Returns ErrNotFound.
	BucketConfiguration(ctx context.Context, bucket, kind, id string) (*trustgate.BucketConfiguration, error)
	// BucketConfigurations lists at most limit of a bucket's
	// configurations of a kind whose IDs sort after after, ordered by ID.
	BucketConfigurations(ctx context.Context, bucket, kind, after string, limit int) ([]trustgate.BucketConfiguration, error)
	// DeleteBucketConfiguration removes a bucket's configuration of a
	// kind by ID. Returns ErrNotFound.
	DeleteBucketConfiguration(ctx context.Context, bucket, kind, id string) error

	// PutObject makes o, an object or a delete marker, its key's current
	// version, if the current one meets cond. The version it takes the
	// place of stays as a noncurrent version, unless it has o's VersionID;
	// a null o also takes the place of a noncurrent null version (which
	// only a bucket whose Versioning was set can have: other versions
	// than null are written only to such a bucket). It returns the
	// version it replaced (its bucket, key, ETag and blob),
	// nil if none, whose blob the caller may then remove. Returns
	// ErrNotFound when the bucket does not exist, and cond.Check's error
	// when the condition fails.
	PutObject(ctx context.Context, o *trustgate.Object, cond trustgate.WriteCondition) (replaced *trustgate.Object, err error)
	// SetObjectTags replaces the tags of one version of an object.
	// Returns ErrNotFound.
	SetObjectTags(ctx context.Context, bucket, key, version string, tags []trustgate.Tag) error
	// ChangeObjectLock changes the retention or legal hold of one version
	// of an object (not a delete marker) with change, which sees the
	// version as it is within the write and may refuse the change with
	// an error of its own, returned as it is. Returns ErrNotFound.
	ChangeObjectLock(ctx context.Context, bucket, key, version string, change func(*trustgate.Object) error) error
	// Object returns a key's current object, with its body when it is
	// inline. Listings leave bodies out. Returns ErrNotFound, also when
	// the key's latest version is a delete marker.
	Object(ctx context.Context, bucket, key string) (*trustgate.Object, error)
	// ObjectVersion returns one version of an object, or a delete
	// marker, with its body when it is inline. Returns ErrNotFound.
	ObjectVersion(ctx context.Context, bucket, key, version string) (*trustgate.Object, error)
	// DeleteObject removes an object of a bucket without versioning, if
	// it meets cond (its If-Match), and returns it, for its blob; should
	// the key have other versions, the newest becomes current. Returns
	// ErrNotFound when there is none and cond asks nothing, and
	// cond.Check's error otherwise.
	DeleteObject(ctx context.Context, bucket, key string, cond trustgate.WriteCondition) (*trustgate.Object, error)
	// DeleteObjectVersion removes one version of an object, or a delete
	// marker, if it meets cond, and returns it (its blob, and whether it
	// was a marker). When it was the latest, the newest version left
	// becomes the key's current one. Returns ErrNotFound when there is no
	// such version and cond asks nothing, and cond.Check's error otherwise.
	DeleteObjectVersion(ctx context.Context, bucket, key, version string, cond trustgate.WriteCondition) (*trustgate.Object, error)
	// ExpireVersion removes a version as a lifecycle rule expires it, only
	// if it is still as v was listed (its version, last-modified time and
	// kind): a noncurrent version while it is noncurrent (v.IsLatest
	// false), or a delete marker while it is all its key has (v.IsLatest
	// true), and only while keep newer noncurrent versions remain, and
	// its Object Lock does not protect it at now. It tells whether it
	// removed it; v's blob is the caller's to remove then.
	ExpireVersion(ctx context.Context, v *trustgate.Object, keep int, now time.Time) (bool, error)
	// Objects lists up to limit objects of a bucket whose keys start with
	// prefix and sort after after, in key order (byte-wise, as S3).
	Objects(ctx context.Context, bucket, prefix, after string, limit int) ([]*trustgate.Object, error)
	// ObjectVersions lists up to limit versions and delete markers of a
	// bucket's keys that start with prefix, after the mark: by key, and
	// each key's newest first, IsLatest set. A mark naming a version
	// that is no longer there resumes at its key's newest version.
	ObjectVersions(ctx context.Context, bucket, prefix string, after VersionMark, limit int) ([]*trustgate.Object, error)

	// PendingReplications lists up to limit versions written with
	// replication pending (ReplicationPending), or queued again since, in
	// the order they were, delete markers included.
	PendingReplications(ctx context.Context, limit int) ([]PendingReplication, error)
	// QueueReplication puts a version back on the list, for a change to
	// replicate, its status shown (ReplicationPending, or
	// ReplicationReplica for a replica's change synced back): at the end,
	// as a new entry, so that a run settling the version as it was read
	// before the change leaves it listed. A version that is not there is
	// not queued.
	QueueReplication(ctx context.Context, v VersionRef, shown trustgate.ReplicationStatus) error
	// SettleReplication records where a version listed stands in
	// replication, and takes its entry off the list, unless the version
	// was queued again since (then it stays pending). A version no longer
	// there is only taken off.
	SettleReplication(ctx context.Context, p PendingReplication, status trustgate.ReplicationStatus) error

	// BlobsInUse lists the blobs that objects and parts name.
	BlobsInUse(ctx context.Context) (map[string]bool, error)

	// Multipart uploads.

	// CreateUpload starts a multipart upload. Returns ErrNotFound when the
	// bucket does not exist.
	CreateUpload(ctx context.Context, u *trustgate.Upload) error
	// Upload returns an upload of a bucket. Returns ErrNotFound.
	Upload(ctx context.Context, bucket, id string) (*trustgate.Upload, error)
	// Uploads lists a bucket's uploads in progress, by key then id (the
	// S3 service makes ids that sort by when the uploads began).
	Uploads(ctx context.Context, bucket string) ([]*trustgate.Upload, error)
	// PutPart adds or replaces a part and returns the part it replaced,
	// nil if none, for its blob. Returns ErrNotFound for an unknown upload.
	PutPart(ctx context.Context, p *trustgate.Part) (replaced *trustgate.Part, err error)
	// Parts lists an upload's parts by number.
	Parts(ctx context.Context, uploadID string) ([]*trustgate.Part, error)
	// CompleteUpload ends an upload by recording its object, all at once,
	// if the object it would replace meets cond, and returns the object it
	// replaced (as PutObject) and the upload's parts, whose blobs the
	// caller may then remove. Returns ErrNotFound for an unknown upload,
	// and cond.Check's error, the upload left as it was, when the
	// condition fails.
	CompleteUpload(ctx context.Context, uploadID string, o *trustgate.Object, cond trustgate.WriteCondition) (replaced *trustgate.Object, parts []*trustgate.Part, err error)
	// AbortUpload ends an upload without an object and returns its parts.
	// Returns ErrNotFound.
	AbortUpload(ctx context.Context, uploadID string) ([]*trustgate.Part, error)

	// Virtual MFA devices.

	// CreateMFADevice adds an unassigned virtual MFA device; its seed is
	// sealed at rest. Returns ErrConflict for a serial number taken in
	// the account, ErrNotFound for an unknown account.
	CreateMFADevice(ctx context.Context, d *trustgate.MFADevice) error
	// MFADevice returns a device of the account, with its seed, by serial
	// number. Returns ErrNotFound.
	MFADevice(ctx context.Context, account, serial string) (*trustgate.MFADevice, error)
	// MFADevices lists an account's devices, only those enabled for
	// userName when it is not "", ordered by serial number.
	MFADevices(ctx context.Context, account, userName string) ([]*trustgate.MFADevice, error)
	// EnableMFADevice enables an unassigned device for a user from
	// enabled on, recording lastStep as the time step of the last code
	// used (the codes that enabled it). Returns ErrNotFound for an unknown
	// device or user, ErrConflict when the device is already enabled.
	EnableMFADevice(ctx context.Context, account, serial, userName string, enabled time.Time, lastStep int64) error
	// DeactivateMFADevice unassigns a device from its user. Returns
	// ErrNotFound unless the device is enabled for userName.
	DeactivateMFADevice(ctx context.Context, account, serial, userName string) error
	// DeleteMFADevice removes a device. Returns ErrNotFound, or
	// ErrConflict while it is enabled.
	DeleteMFADevice(ctx context.Context, account, serial string) error
	// UseMFACode records that a code of time step was accepted from a
	// device, atomically: it returns ErrConflict, and records nothing,
	// when a code of this step or a later one was accepted already, so
	// that no code is accepted twice. Returns ErrNotFound for an unknown
	// device.
	UseMFACode(ctx context.Context, account, serial string, step int64) error
}

// VersionRef names one version of an object, or a delete marker.
type VersionRef struct {
	Bucket, Key, VersionID string
}

// PendingReplication is an entry of the list of versions to replicate:
// the version, and the entry's place on the list.
type PendingReplication struct {
	VersionRef
	Seq int64
}

// VersionMark is where a listing of versions resumes: after the version
// Version of Key when InKey, and after every version of Key otherwise.
type VersionMark struct {
	Key     string
	Version string
	InKey   bool
}
