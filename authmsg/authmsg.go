// Package authmsg keeps the details of denied requests: an authorization
// message says who asked for what, what decided and with which condition
// keys, sealed so that only a caller allowed sts:DecodeAuthorizationMessage
// reads it. trustgate writes the encoded message of every denial to the
// request log; STS decodes it.
package authmsg

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/authz"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/secret"
)

// Message is a decoded authorization message, in the JSON shape of AWS's
// (allowed, explicitDeny, matchedStatements, failures, context).
type Message struct {
	Allowed           bool          `json:"allowed"`
	ExplicitDeny      bool          `json:"explicitDeny"`
	MatchedStatements Items[Stmt]   `json:"matchedStatements"`
	Failures          Items[string] `json:"failures"`
	Context           Context       `json:"context"`
}

// Items is AWS's wrapping of a list in the message.
type Items[T any] struct {
	Items []T `json:"items"`
}

// MarshalJSON writes an empty list as [], as AWS does, never null.
func (l Items[T]) MarshalJSON() ([]byte, error) {
	items := l.Items
	if items == nil {
		items = []T{}
	}
	return json.Marshal(struct {
		Items []T `json:"items"`
	}{items})
}

// Stmt is a statement that decided: the deny of an explicit deny, the
// policy type that failed to allow otherwise.
type Stmt struct {
	StatementID string `json:"statementId,omitempty"`
	Effect      string `json:"effect"`
	Policy      string `json:"policy,omitempty"`
	PolicyType  string `json:"policyType"`
}

// Context is the request the message is about.
type Context struct {
	Principal  Principal        `json:"principal"`
	Action     string           `json:"action"`
	Resource   string           `json:"resource"`
	Conditions Items[Condition] `json:"conditions"`
}

// Principal is who made the request.
type Principal struct {
	ID   string `json:"id"`
	Name string `json:"name,omitempty"`
	ARN  string `json:"arn"`
}

// Condition is one condition key of the request and its values.
type Condition struct {
	Key    string       `json:"key"`
	Values Items[Value] `json:"values"`
}

// Value is one value of a condition key.
type Value struct {
	Value string `json:"value"`
}

// New describes the decision r on a request of p for action on resource,
// with the request's condition keys (nil for none).
func New(p *trustgate.Principal, action, resource string, r authz.Result, keys *policy.Context) *Message {
	m := &Message{
		Allowed:      r.Decision == authz.Allow,
		ExplicitDeny: r.Decision == authz.ExplicitDeny,
		Context: Context{
			Principal: Principal{ID: p.UserID, Name: principalName(p), ARN: p.ARN},
			Action:    action, Resource: resource,
		},
	}
	if r.Decision != authz.Allow {
		m.Failures.Items = append(m.Failures.Items, r.Reason(action))
	}
	if r.Statement != nil {
		st := Stmt{StatementID: r.Statement.Sid, Effect: r.Statement.Effect.String(), PolicyType: r.Type.String()}
		if pol := r.Statement.Policy(); pol != nil {
			st.Policy = pol.Name
		}
		m.MatchedStatements.Items = append(m.MatchedStatements.Items, st)
	}
	for _, k := range keys.Keys() {
		values, _ := keys.Get(k)
		c := Condition{Key: k}
		for _, v := range values {
			c.Values.Items = append(c.Values.Items, Value{v})
		}
		m.Context.Conditions.Items = append(m.Context.Conditions.Items, c)
	}
	return m
}

func principalName(p *trustgate.Principal) string {
	if p.RoleName != "" {
		return p.RoleName
	}
	return p.UserName
}

// ErrInvalid is the error of a message that is not one this deployment
// encoded: altered, truncated, or sealed with another key.
var ErrInvalid = errors.New("not a valid encoded authorization message")

// Codec encodes and decodes messages with the deployment key.
type Codec struct {
	sealer *secret.Sealer
}

// NewCodec returns a codec under the deployment key.
func NewCodec(key []byte) (*Codec, error) {
	s, err := secret.NewSealer(key, "authorization messages")
	if err != nil {
		return nil, err
	}
	return &Codec{sealer: s}, nil
}

// Encode seals m into printable text.
func (c *Codec) Encode(m *Message) string {
	b, err := json.Marshal(m)
	if err != nil {
		panic(fmt.Sprintf("authmsg: a Message always marshals: %v", err))
	}
	return base64.RawURLEncoding.EncodeToString(c.sealer.Seal(b))
}

// Decode opens an encoded message and returns its JSON, as
// DecodeAuthorizationMessage answers it.
func (c *Codec) Decode(encoded string) (string, error) {
	b, err := base64.RawURLEncoding.DecodeString(encoded)
	if err != nil {
		return "", ErrInvalid
	}
	plain, err := c.sealer.Open(b)
	if err != nil || !json.Valid(plain) {
		return "", ErrInvalid
	}
	return string(plain), nil
}
