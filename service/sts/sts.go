// Package stsapi serves AWS Security Token Service over the Query
// protocol: GetCallerIdentity today; AssumeRole and GetSessionToken next.
package stsapi

import (
	"context"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/protocol/query"
)

// Namespace is the XML namespace of STS's responses.
const Namespace = "https://sts.amazonaws.com/doc/2011-06-15/"

// Service answers STS actions.
type Service struct{}

// Call is one STS request from an authenticated caller.
type Call struct {
	Principal *trustgate.Principal
	Request   *query.Request
}

// Serve runs the call's action and returns its result element, or an
// AWS error.
func (s *Service) Serve(ctx context.Context, c *Call) (any, *query.Error) {
	switch c.Request.Action {
	case "GetCallerIdentity":
		return s.getCallerIdentity(c), nil
	}
	return nil, query.InvalidAction(c.Request.Action, c.Request.Version)
}

type callerIdentity struct { // in AWS's element order
	Arn     string
	UserId  string
	Account string
}

// getCallerIdentity needs no permission and works even under an explicit
// deny, as in AWS.
func (s *Service) getCallerIdentity(c *Call) *callerIdentity {
	return &callerIdentity{Arn: c.Principal.ARN, UserId: c.Principal.UserID, Account: c.Principal.Account}
}
