package trustgate

import "time"

// Policy types of Organizations, as its API names them.
const (
	ServiceControlPolicy  = "SERVICE_CONTROL_POLICY"
	ResourceControlPolicy = "RESOURCE_CONTROL_POLICY"
)

// OrganizationalUnit is an OU: a container of accounts and of other OUs,
// under the root or another OU.
type OrganizationalUnit struct {
	ID        string // ou-ROOT-xxxxxxxx
	ParentID  string // the root (r-...) or an OU
	Name      string
	CreatedAt time.Time
}

// OrgPolicy is an SCP or RCP created in the organization. AWS's own,
// FullAWSAccess and RCPFullAWSAccess, are in package managed.
type OrgPolicy struct {
	ID          string // p-xxxxxxxx
	Name        string
	Description string
	Type        string // ServiceControlPolicy or ResourceControlPolicy
	Document    string
}

// OrgAttachment attaches an Organizations policy to a target: the root,
// an OU or an account.
type OrgAttachment struct {
	PolicyID string
	TargetID string
}

// CreateAccountStatus records a CreateAccount request and its outcome.
type CreateAccountStatus struct {
	ID            string // car-xxxxxxxx
	AccountName   string
	AccountID     string // once it succeeded
	State         string // IN_PROGRESS, SUCCEEDED, FAILED
	FailureReason string
	RequestedAt   time.Time
	CompletedAt   time.Time
}

// MemberAccount is what CreateAccount makes in one step: the account, the
// role the management account administers it through, the policies
// attached to that role, and the request's record.
type MemberAccount struct {
	Account  *Account // nil for a request that failed
	Role     *Role
	Attached []string // managed policy ARNs of the role
	Status   *CreateAccountStatus
}
