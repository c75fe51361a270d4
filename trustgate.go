// Package trustgate holds the domain of trustgate, AWS multi-account
// access control as one binary: the organization and its accounts, and the
// IAM entities in each account, with the errors every layer speaks.
//
// The packages around it show the architecture: policy and authz decide
// requests, sigv4 authenticates them, store keeps the domain, the service
// packages speak AWS's wire protocols, server routes HTTP, and cmd/trustgate
// wires it all together.
package trustgate

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/trustgate/trustgate/policy"
)

// Error kinds that storage and services return, wrapped with context.
// Each service maps them to its AWS error code (NoSuchEntity,
// EntityAlreadyExists, AccountNotFoundException, ...).
var (
	ErrNotFound = errors.New("not found")
	ErrConflict = errors.New("already exists")
	// ErrPrecondition is a conditional write refused by the object it
	// would replace; ErrNoObject, one that requires an object where there
	// is none (an ErrNotFound).
	ErrPrecondition = errors.New("precondition failed")
	ErrNoObject     = fmt.Errorf("no object to match: %w", ErrNotFound)
	// ErrLocked is a deletion refused by the Object Lock of the version
	// it would delete.
	ErrLocked = errors.New("object version locked")
	// ErrLimit is a quota the store enforces where only it can count
	// without a race, such as the five versions of a managed policy.
	ErrLimit = errors.New("limit exceeded")
	// ErrAccessPointsAttached is a bucket's deletion refused while access
	// points lead to it.
	ErrAccessPointsAttached = errors.New("access points attached")
)

// Organization is the AWS Organization that holds every account.
type Organization struct {
	ID                string // o-xxxxxxxxxx
	RootID            string // r-xxxx
	ManagementAccount string
	CreatedAt         time.Time
	// PolicyTypes are the policy types enabled on the root
	// (ServiceControlPolicy, ResourceControlPolicy); none at first, as in
	// a new AWS organization.
	PolicyTypes []string
}

// Account is an AWS account of the organization.
type Account struct {
	ID        string // 12 digits
	Name      string
	Email     string
	ParentID  string // the root or OU that holds it
	Status    string // ACTIVE, SUSPENDED
	JoinedAt  time.Time
	CreatedAt time.Time
}

// Access key statuses.
const (
	KeyActive   = "Active"
	KeyInactive = "Inactive"
)

// AccessKey is a long-term access key of an IAM user or of an account's
// root user (UserName empty).
type AccessKey struct {
	ID        string // AKIA...
	Secret    string // in memory only; stored encrypted
	Account   string
	UserName  string
	Status    string
	CreatedAt time.Time
}

// KeyUse is when an access key was last used, and for what.
type KeyUse struct {
	At      time.Time // zero if never
	Service string    // the signing name: iam, sts, s3, ...
	Region  string
}

// IsRoot reports whether the key belongs to the account's root user.
func (k *AccessKey) IsRoot() bool { return k.UserName == "" }

// Tag is a key and value on an IAM user or role.
type Tag struct {
	Key   string
	Value string
}

// WriteCondition is what a conditional object write requires of the
// object it would replace; the zero value requires nothing.
type WriteCondition struct {
	IfMatch     string // the ETag the object must have, quoted; "*" for any object, "" for none asked
	IfNoneMatch bool   // that there be no object (If-None-Match: *)
	// Modified is the last-modified time the object must have, so that a
	// write acts on the object exactly as it was read; zero asks none.
	Modified time.Time
	// LockedAt, when not zero, requires that the object's Object Lock not
	// protect it at that moment (ErrLocked), as a deletion of a version
	// does; BypassGovernance lets a governance-mode retention pass.
	LockedAt         time.Time
	BypassGovernance bool
}

// Check reports whether existing (nil when there is none) meets the
// condition: ErrPrecondition if not, ErrNoObject for an If-Match of no
// object.
func (w WriteCondition) Check(existing *Object) error {
	switch {
	case w.IfNoneMatch && existing != nil:
		return ErrPrecondition
	case w.IfMatch != "" && existing == nil:
		return ErrNoObject
	case w.IfMatch != "" && w.IfMatch != "*" && strings.Trim(w.IfMatch, `"`) != strings.Trim(existing.ETag, `"`):
		return ErrPrecondition
	case !w.Modified.IsZero() && (existing == nil || !existing.LastModified.Equal(w.Modified)):
		return ErrPrecondition
	case !w.LockedAt.IsZero() && existing != nil && existing.Protected(w.LockedAt, w.BypassGovernance):
		return ErrLocked
	}
	return nil
}

// TagKeyPattern and TagValuePattern are what IAM and STS let a tag hold:
// letters, numbers, spaces and _.:/=+-@, a key at least one of them.
var (
	TagKeyPattern   = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]+$`)
	TagValuePattern = regexp.MustCompile(`^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$`)
)

// User is an IAM user.
type User struct {
	Account   string
	Name      string
	ID        string // AIDA...
	Path      string
	Boundary  string // permissions boundary policy ARN, if any
	Tags      []Tag
	CreatedAt time.Time
}

// ARN is the user's ARN.
func (u *User) ARN() string {
	return "arn:aws:iam::" + u.Account + ":user" + u.Path + u.Name
}

// Group is an IAM group.
type Group struct {
	Account   string
	Name      string
	ID        string // AGPA...
	Path      string
	CreatedAt time.Time
}

// ARN is the group's ARN.
func (g *Group) ARN() string {
	return "arn:aws:iam::" + g.Account + ":group" + g.Path + g.Name
}

// Role is an IAM role.
type Role struct {
	Account            string
	Name               string
	ID                 string // AROA...
	Path               string
	TrustPolicy        string // the assume-role policy document
	Description        string
	MaxSessionDuration int // seconds, 3600 to 43200
	Boundary           string
	Tags               []Tag
	CreatedAt          time.Time
}

// ARN is the role's ARN.
func (r *Role) ARN() string {
	return "arn:aws:iam::" + r.Account + ":role" + r.Path + r.Name
}

// EntityKind is the kind of IAM identity that policies attach to.
type EntityKind string

const (
	UserEntity  EntityKind = "user"
	GroupEntity EntityKind = "group"
	RoleEntity  EntityKind = "role"
)

// Entity names one user, group or role of an account.
type Entity struct {
	Account string
	Kind    EntityKind
	Name    string
}

// InlinePolicy is a policy embedded in one user, group or role.
type InlinePolicy struct {
	Name     string
	Document string
}

// ManagedPolicy is a customer managed policy: a standalone identity
// policy of an account, attachable to its users, groups and roles and
// usable as a permissions boundary. Its document is kept in versions, of
// which the default one is in force.
type ManagedPolicy struct {
	Account        string
	Name           string
	ID             string // ANPA...
	Path           string
	Description    string
	DefaultVersion string // v1, v2, ...
	Tags           []Tag
	CreatedAt      time.Time
	// UpdatedAt is when the newest version was created; CreatedAt while
	// there is one version.
	UpdatedAt time.Time
}

// ARN is the policy's ARN.
func (p *ManagedPolicy) ARN() string {
	return "arn:aws:iam::" + p.Account + ":policy" + p.Path + p.Name
}

// PolicyVersion is one version of a managed policy's document.
type PolicyVersion struct {
	ID        string // v1, v2, ...: never reused within a policy
	Document  string
	Default   bool
	CreatedAt time.Time
}

// LoginProfile is an IAM user's console password, kept only as a hash.
type LoginProfile struct {
	Account  string
	UserName string
	// PasswordHash is a bcrypt hash of the password's SHA-256 (base64).
	PasswordHash  string
	ResetRequired bool
	CreatedAt     time.Time
}

// Principal is an authenticated caller: who it is to the policies, and
// the ids AWS reports for it.
type Principal struct {
	policy.Caller
	// UserID is aws:userid: the account id for root, AIDA... for a user,
	// AROA...:session for a role session.
	UserID      string
	AccessKeyID string
	// UserName is the IAM user (for a user's key, or a federated or
	// GetSessionToken session of one); RoleName the role of a session.
	UserName string
	RoleName string
	// Tags are aws:PrincipalTag: the user's or role's tags, with a
	// session's tags over them.
	Tags []Tag

	// Temporary credentials only.
	Temporary        bool
	TokenIssued      time.Time
	MFAAuthenticated time.Time // zero without MFA
	SourceIdentity   string
	// TransitiveTagKeys are the keys of the session tags (among Tags) that
	// pass on to a role session this one assumes.
	TransitiveTagKeys []string
	SessionPolicies   []string // inline session policy documents
	SessionPolicyARNs []string // managed session policies
}

// UserSession reports whether the principal is a session of an IAM user
// or root user from GetSessionToken, whose credentials AWS limits: no IAM
// call without MFA, no STS call but AssumeRole and GetCallerIdentity.
func (p *Principal) UserSession() bool {
	return p.Temporary && (p.Kind == policy.User || p.Kind == policy.Root)
}

// MFADevice is a virtual MFA device of an account: the seed of a TOTP
// authenticator (RFC 6238), which IAM enables for one user at a time.
type MFADevice struct {
	Account string
	// SerialNumber is the device's ARN, arn:aws:iam::ACCOUNT:mfa/PATH/NAME:
	// what EnableMFADevice, AssumeRole and GetSessionToken name it by.
	SerialNumber string
	Name         string
	Path         string
	// Seed is the TOTP secret, base32 (RFC 4648) without padding; in memory
	// only, stored encrypted.
	Seed string
	// UserName is the user the device is enabled for, since EnableDate;
	// both are empty while the device is unassigned.
	UserName   string
	EnableDate time.Time
	// LastUsedStep is the TOTP time step (Unix seconds / 30) of the last
	// code accepted from the device, 0 before any: a code is accepted
	// only for a later step, so none is accepted twice.
	LastUsedStep int64
	CreatedAt    time.Time
}

// Enabled reports whether the device is enabled for a user.
func (d *MFADevice) Enabled() bool { return d.UserName != "" }
