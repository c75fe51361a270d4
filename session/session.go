// Package session makes and opens the session tokens of STS temporary
// credentials. A token is self-contained: it carries, sealed with the
// deployment's key, everything later requests need to authenticate and
// authorize the session (the temporary secret, who the session is, its
// expiry, MFA, tags and session policies), so any node holding the key can
// open it without a database read, and a forged or altered token does not
// open.
//
// The package is pure: no I/O beyond reading randomness.
package session

import (
	"fmt"
	"strings"
	"time"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/arn"
	"github.com/trustgate/trustgate/ids"
	"github.com/trustgate/trustgate/policy"
)

// Kind is the kind of session, by the STS action that made it.
type Kind uint8

const (
	// AssumedRole is a role session (AssumeRole).
	AssumedRole Kind = iota + 1
	// FederatedUser is a federated user session (GetFederationToken) of
	// an IAM user or of the root user.
	FederatedUser
	// UserSession is a session of an IAM user or of the root user
	// themselves (GetSessionToken).
	UserSession
)

var kindNames = [...]string{AssumedRole: "AssumedRole", FederatedUser: "FederatedUser", UserSession: "UserSession"}

func (k Kind) String() string {
	if int(k) < len(kindNames) && kindNames[k] != "" {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Claims is what a session token says. Times are in UTC after Open.
type Claims struct {
	// AccessKeyID is the session's temporary key (ASIA...). Whoever opens
	// a token must check that the request was signed with this key id.
	AccessKeyID string
	// SecretAccessKey is the secret the session's requests are signed
	// with.
	SecretAccessKey string
	// Account is the account the session acts in: the role's account, or
	// the user's.
	Account string
	Kind    Kind

	// RoleARN is the assumed role, with its path
	// (arn:aws:iam::ACCOUNT:role/PATH/NAME), and RoleID its unique id
	// (AROA...). AssumedRole only.
	RoleARN string
	RoleID  string
	// SessionName is the role session name (AssumedRole) or the federated
	// user's name (FederatedUser).
	SessionName string
	// RoleChained is set for a role session made by another role session,
	// which AWS caps at one hour.
	RoleChained bool
	// ExternalID is the external id given to AssumeRole, if any.
	ExternalID string

	// Root is set for a FederatedUser or UserSession of the account's root
	// user; otherwise UserName, UserARN and UserID (AIDA...) name the IAM
	// user. Root is explicit so that missing user fields are an error,
	// never a root session.
	Root     bool
	UserName string
	UserARN  string
	UserID   string

	// Issued is when the credentials were issued (aws:TokenIssueTime),
	// and they are valid until Expires, exclusive.
	Issued  time.Time
	Expires time.Time
	// MFAAuthenticated is when the caller proved MFA; zero without MFA.
	MFAAuthenticated time.Time

	// SourceIdentity is the source identity set on the session, if any.
	SourceIdentity string
	// Tags are the session tags, including those inherited through a role
	// chain; TransitiveTagKeys are the keys that pass on to the next
	// session of a chain.
	Tags              []trustgate.Tag
	TransitiveTagKeys []string
	// Policy is the inline session policy document, and PolicyARNs the
	// managed session policies, if any.
	Policy     string
	PolicyARNs []string
}

// RoleName is the name of the assumed role: the last part of RoleARN,
// without its path.
func (c *Claims) RoleName() string {
	a, ok := arn.Split(c.RoleARN)
	if !ok {
		return ""
	}
	return a.Resource[strings.LastIndexByte(a.Resource, '/')+1:]
}

// ARN is the session's principal ARN, as GetCallerIdentity reports it:
// arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION for a role session (the
// role's path left out), arn:aws:sts::ACCOUNT:federated-user/NAME for a
// federated user, and the user's own ARN (or the root ARN) for a
// GetSessionToken session.
func (c *Claims) ARN() string {
	switch c.Kind {
	case AssumedRole:
		return "arn:" + c.partition() + ":sts::" + c.Account + ":assumed-role/" + c.RoleName() + "/" + c.SessionName
	case FederatedUser:
		return "arn:" + c.partition() + ":sts::" + c.Account + ":federated-user/" + c.SessionName
	default:
		return c.baseARN()
	}
}

// PrincipalID is the session's aws:userid: ROLEID:SESSION for a role session
// (the AssumedRoleId), ACCOUNT:NAME for a federated user (the
// FederatedUserId), the user's unique id or the account id for a
// GetSessionToken session.
func (c *Claims) PrincipalID() string {
	switch {
	case c.Kind == AssumedRole:
		return c.RoleID + ":" + c.SessionName
	case c.Kind == FederatedUser:
		return c.Account + ":" + c.SessionName
	case c.Root:
		return c.Account
	default:
		return c.UserID
	}
}

// Caller is the session as policies see it.
func (c *Claims) Caller() policy.Caller {
	pc := policy.Caller{Account: c.Account, ARN: c.ARN()}
	switch {
	case c.Kind == AssumedRole:
		pc.Kind, pc.IssuerARN = policy.AssumedRole, c.RoleARN
	case c.Kind == FederatedUser:
		pc.Kind, pc.IssuerARN = policy.FederatedUser, c.baseARN()
	case c.Root:
		pc.Kind = policy.Root
	default:
		pc.Kind = policy.User
	}
	return pc
}

// Principal is the authenticated caller of a request signed with the
// session's credentials. Its Tags are the session tags alone: the caller
// lays them over the role's tags (or the user's) from the store, a
// session tag winning over an entity tag with the same key.
func (c *Claims) Principal() *trustgate.Principal {
	p := &trustgate.Principal{
		Caller:            c.Caller(),
		UserID:            c.PrincipalID(),
		AccessKeyID:       c.AccessKeyID,
		Tags:              c.Tags,
		Temporary:         true,
		TokenIssued:       c.Issued,
		MFAAuthenticated:  c.MFAAuthenticated,
		SourceIdentity:    c.SourceIdentity,
		TransitiveTagKeys: c.TransitiveTagKeys,
		SessionPolicyARNs: c.PolicyARNs,
	}
	if c.Kind == AssumedRole {
		p.RoleName = c.RoleName()
	} else {
		p.UserName = c.UserName
	}
	if c.Policy != "" {
		p.SessionPolicies = []string{c.Policy}
	}
	return p
}

// baseARN is the identity a FederatedUser or UserSession was made from.
func (c *Claims) baseARN() string {
	if c.Root {
		return arn.Root(c.partition(), c.Account)
	}
	return c.UserARN
}

func (c *Claims) partition() string {
	from := c.UserARN
	if c.Kind == AssumedRole {
		from = c.RoleARN
	}
	if a, ok := arn.Split(from); ok && a.Partition != "" {
		return a.Partition
	}
	return "aws"
}

// NewKey returns a new temporary access key id (ASIA...) of a session of
// account, and its secret access key.
func NewKey(account string) (accessKeyID, secretAccessKey string) {
	return ids.AccessKeyID(ids.TemporaryKey, account), ids.SecretAccessKey()
}

// validate checks that c is a whole session of its kind: the fields its
// kind needs are set, and those it does not are empty.
func (c *Claims) validate() error {
	switch {
	case !strings.HasPrefix(c.AccessKeyID, ids.TemporaryKey):
		return fmt.Errorf("access key id %q is not a temporary key (%s...)", c.AccessKeyID, ids.TemporaryKey)
	case c.SecretAccessKey == "":
		return fmt.Errorf("no secret access key")
	case !arn.IsAccountID(c.Account):
		return fmt.Errorf("account %q is not a 12-digit account id", c.Account)
	case c.Issued.IsZero():
		return fmt.Errorf("no issue time")
	case !c.Expires.After(c.Issued):
		return fmt.Errorf("expiry %v is not after issue time %v", c.Expires, c.Issued)
	}
	for _, t := range c.Tags {
		if t.Key == "" {
			return fmt.Errorf("a session tag has an empty key")
		}
	}
	switch c.Kind {
	case AssumedRole:
		a, ok := arn.Split(c.RoleARN)
		switch {
		case !ok || a.Service != "iam" || a.Account != c.Account || !strings.HasPrefix(a.Resource, "role/") || strings.HasSuffix(a.Resource, "/"):
			return fmt.Errorf("role ARN %q is not a role of account %s", c.RoleARN, c.Account)
		case !strings.HasPrefix(c.RoleID, ids.Role):
			return fmt.Errorf("role id %q is not a role's unique id (%s...)", c.RoleID, ids.Role)
		case c.SessionName == "":
			return fmt.Errorf("no role session name")
		case c.Root || c.UserName != "" || c.UserARN != "" || c.UserID != "":
			return fmt.Errorf("a role session names a user")
		}
		return nil
	case FederatedUser, UserSession:
		switch {
		case c.RoleARN != "" || c.RoleID != "" || c.RoleChained || c.ExternalID != "":
			return fmt.Errorf("a %v names a role", c.Kind)
		case c.Kind == FederatedUser && c.SessionName == "":
			return fmt.Errorf("no federated user name")
		case c.Kind == UserSession && c.SessionName != "":
			return fmt.Errorf("a %v has a session name", c.Kind)
		case c.Root && (c.UserName != "" || c.UserARN != "" || c.UserID != ""):
			return fmt.Errorf("a root session names a user")
		case !c.Root && (c.UserName == "" || !strings.HasPrefix(c.UserID, ids.User)):
			return fmt.Errorf("a %v of a user needs the user's name and unique id (%s...)", c.Kind, ids.User)
		case !c.Root && !isUserARN(c.UserARN, c.Account, c.UserName):
			return fmt.Errorf("user ARN %q is not user %s of account %s", c.UserARN, c.UserName, c.Account)
		}
		return nil
	default:
		return fmt.Errorf("unknown session kind %v", c.Kind)
	}
}

// isUserARN reports whether s is the ARN of the user name in account.
func isUserARN(s, account, name string) bool {
	a, ok := arn.Split(s)
	return ok && a.Service == "iam" && a.Account == account &&
		strings.HasPrefix(a.Resource, "user/") && strings.HasSuffix(a.Resource, "/"+name)
}
