// Package managed holds the AWS managed policies trustgate offers: the IAM
// managed policies (arn:aws:iam::aws:policy/NAME) that users attach to
// users, groups and roles, and the Organizations defaults FullAWSAccess
// (SCP) and RCPFullAWSAccess (RCP).
//
// Every document here was written for trustgate to grant what the AWS
// managed policy of the same name grants, as AWS's managed policy reference
// describes it; none is a copy of AWS's text. Where a document differs from
// AWS's in meaning, the comment above it says how (see documents.go).
//
// The documents are parsed, validated and compiled once, when the package
// is initialised; an invalid or oversized document panics at start-up. The
// *Policy values returned are shared and must not be modified.
package managed

import (
	"crypto/sha256"
	"encoding/base32"
	"fmt"
	"sort"
	"time"

	"github.com/trustgate/trustgate/policy"
)

// ARN prefixes of AWS managed policies.
const (
	// IAMPrefix is followed by the policy's path (without its leading
	// slash) and name: arn:aws:iam::aws:policy/job-function/ViewOnlyAccess.
	IAMPrefix = "arn:aws:iam::aws:policy/"
	// SCPPrefix and RCPPrefix are followed by the policy id.
	SCPPrefix = "arn:aws:organizations::aws:policy/service_control_policy/"
	RCPPrefix = "arn:aws:organizations::aws:policy/resource_control_policy/"
)

// ARNs of the policies other packages refer to by name.
const (
	AdministratorAccessARN = IAMPrefix + "AdministratorAccess"
	FullAWSAccessARN       = SCPPrefix + "p-FullAWSAccess"
	RCPFullAWSAccessARN    = RCPPrefix + "p-RCPFullAWSAccess"
)

// Policy is one AWS managed policy.
type Policy struct {
	Name string
	ARN  string
	// Path is the IAM path, "/" for the policies here; empty for the
	// Organizations policies, which have none.
	Path string
	// ID is the IAM policy id (ANPA...), or the Organizations policy id
	// (p-FullAWSAccess).
	ID          string
	Description string
	// DefaultVersion is the IAM default version id (the one AWS's policy
	// has); empty for Organizations policies, which are not versioned.
	DefaultVersion string
	// Created and Updated are when AWS created the policy and its default
	// version; zero for the Organizations policies, whose API shows no
	// dates.
	Created, Updated time.Time
	Document         string         // the JSON document, as GetPolicyVersion returns it
	Compiled         *policy.Policy // Document, compiled; its Name is the ARN
	Kind             policy.Kind    // Identity, ServiceControl or ResourceControl
}

// Quota is the size quota the policy's document is subject to.
func (p *Policy) Quota() policy.Quota {
	if p.Kind == policy.ServiceControl || p.Kind == policy.ResourceControl {
		return policy.OrgPolicyQuota
	}
	return policy.ManagedPolicyQuota
}

var (
	byARN = map[string]*Policy{}
	iam   []*Policy // sorted by name
	scps  = map[string]*Policy{}
	rcps  = map[string]*Policy{}
)

func init() {
	for _, d := range definitions {
		p := build(d)
		if _, dup := byARN[p.ARN]; dup {
			panic("managed: duplicate policy " + p.ARN)
		}
		byARN[p.ARN] = p
		switch p.Kind {
		case policy.ServiceControl:
			scps[p.Name] = p
		case policy.ResourceControl:
			rcps[p.Name] = p
		default:
			iam = append(iam, p)
		}
	}
	sort.Slice(iam, func(i, j int) bool { return iam[i].Name < iam[j].Name })
}

// definition is what documents.go states about one policy; the rest is
// derived from it.
type definition struct {
	name, description string
	kind              policy.Kind
	version           string // IAM default version id
	created, updated  string // RFC 3339; empty for none
	document          string
}

func build(d definition) *Policy {
	p := &Policy{
		Name:           d.name,
		Description:    d.description,
		Kind:           d.kind,
		DefaultVersion: d.version,
		Created:        parseTime(d.created),
		Updated:        parseTime(d.updated),
		Document:       d.document,
	}
	switch d.kind {
	case policy.ServiceControl:
		p.ID = "p-" + d.name
		p.ARN = SCPPrefix + p.ID
	case policy.ResourceControl:
		p.ID = "p-" + d.name
		p.ARN = RCPPrefix + p.ID
	default:
		p.Path = "/"
		p.ID = policyID(d.name)
		p.ARN = IAMPrefix + d.name
	}
	p.Compiled = policy.MustParse(d.document, d.kind, p.ARN)
	if err := p.Quota().Check(d.document); err != nil {
		panic(fmt.Sprintf("managed: policy %s: %v", p.ARN, err))
	}
	return p
}

func parseTime(s string) time.Time {
	if s == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic("managed: bad date " + s)
	}
	return t
}

// policyID derives a stable IAM policy id from the policy's name: ANPA and
// 17 characters of the base32 alphabet IAM's ids use, 21 in all. The same
// name gives the same id in every deployment, as an AWS managed policy has
// the same id in every account.
func policyID(name string) string {
	sum := sha256.Sum256([]byte("trustgate/managed-policy/" + name))
	return "ANPA" + base32.StdEncoding.EncodeToString(sum[:])[:17]
}

// Lookup returns the managed policy with the given ARN: an IAM one
// (arn:aws:iam::aws:policy/...) or an Organizations one.
func Lookup(arn string) (*Policy, bool) {
	p, ok := byARN[arn]
	return p, ok
}

// All returns the IAM managed policies, sorted by name: what IAM lists
// with Scope=AWS. The Organizations policies are not among them; see SCP,
// RCP and Organizations.
func All() []*Policy {
	return append([]*Policy(nil), iam...)
}

// Organizations returns the AWS managed Organizations policies: the
// default SCP, then the default RCP.
func Organizations() []*Policy {
	return []*Policy{scps["FullAWSAccess"], rcps["RCPFullAWSAccess"]}
}

// SCP returns the AWS managed service control policy with the given name
// (FullAWSAccess).
func SCP(name string) (*Policy, bool) {
	p, ok := scps[name]
	return p, ok
}

// RCP returns the AWS managed resource control policy with the given name
// (RCPFullAWSAccess).
func RCP(name string) (*Policy, bool) {
	p, ok := rcps[name]
	return p, ok
}
