package stsapi

import (
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/policy"
	"github.com/trustgate/trustgate/protocol/query"
	"github.com/trustgate/trustgate/session"
)

// Session tags and source identity: what AssumeRole's Tags,
// TransitiveTagKeys and SourceIdentity ask for, what the calling session
// passes on through a role chain, and the condition keys they set.

var (
	sourceIdentityPattern = regexp.MustCompile(`^[\w+=,.@-]*$`)
)

// sessionTags is what a new role session carries in tags and identity.
type sessionTags struct {
	// tags are the session's tags: those inherited as transitive from the
	// calling session, then those of the request.
	tags []trustgate.Tag
	// transitive are the keys that pass on to the next session of a chain:
	// the inherited ones and the request's TransitiveTagKeys.
	transitive []string
	// requested are the request's own tags and transitive keys, which
	// the packed size counts and sts:TransitiveTagKeys reports.
	requested           []trustgate.Tag
	requestedTransitive []string
	// sourceIdentity is the session's source identity: the request's, or
	// the one the calling session carries, which cannot change.
	sourceIdentity string
}

// readSessionTags reads Tags.member.N.{Key,Value}, TransitiveTagKeys.member.N
// and SourceIdentity, and joins them with what the caller passes on.
func readSessionTags(req *query.Request, caller *trustgate.Principal) (*sessionTags, *query.Error) {
	st := &sessionTags{}
	var seen map[string]bool // lower-cased: tag keys are case-insensitive
	for i := 1; ; i++ {
		member := "tags." + strconv.Itoa(i) + ".member"
		key, value, present, err := req.Tag("Tags.member."+strconv.Itoa(i), member)
		if err != nil {
			return nil, err
		}
		if !present {
			break
		}
		if seen == nil {
			seen = map[string]bool{}
		}
		t := trustgate.Tag{Key: key, Value: value}
		if err := query.CheckLength(t.Key, member+".key", 1, session.MaxTagKeyChars); err != nil {
			return nil, err
		}
		if err := query.CheckLength(t.Value, member+".value", 0, session.MaxTagValueChars); err != nil {
			return nil, err
		}
		switch {
		case !trustgate.TagKeyPattern.MatchString(t.Key):
			return nil, query.InvalidMember(t.Key, member+".key", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
		case !trustgate.TagValuePattern.MatchString(t.Value):
			return nil, query.InvalidMember(t.Value, member+".value", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
		case strings.HasPrefix(strings.ToLower(t.Key), "aws:"):
			return nil, invalidParameter("Tag keys beginning with aws: are reserved for AWS use: %s", t.Key)
		case seen[strings.ToLower(t.Key)]:
			return nil, invalidParameter("Duplicate tag keys found. Please note that Tag keys are case insensitive.")
		}
		seen[strings.ToLower(t.Key)] = true
		st.requested = append(st.requested, t)
	}
	if len(st.requested) > session.MaxSessionTags {
		return nil, query.InvalidMember(strconv.Itoa(len(st.requested)), "tags", "Member must have length less than or equal to 50")
	}
	st.requestedTransitive = req.Members("TransitiveTagKeys")
	if len(st.requestedTransitive) > session.MaxSessionTags {
		return nil, query.InvalidMember(strconv.Itoa(len(st.requestedTransitive)), "transitiveTagKeys", "Member must have length less than or equal to 50")
	}
	for _, k := range st.requestedTransitive {
		if !seen[strings.ToLower(k)] {
			return nil, invalidParameter("The transitive tag key %s is not one of the session tags the request passes.", k)
		}
	}

	// A chained session inherits the caller's transitive tags, which the
	// request may not override (note 33).
	for _, t := range caller.Tags {
		if !containsFold(caller.TransitiveTagKeys, t.Key) {
			continue
		}
		for _, r := range st.requested {
			if strings.EqualFold(r.Key, t.Key) {
				return nil, invalidParameter("The session tag %s cannot be passed: the calling session passes on %s as a transitive tag, which a role chain cannot override.", r.Key, t.Key)
			}
		}
		st.tags = append(st.tags, t)
		st.transitive = append(st.transitive, t.Key)
	}
	st.tags = append(st.tags, st.requested...)
	st.transitive = append(st.transitive, st.requestedTransitive...)

	st.sourceIdentity = caller.SourceIdentity
	if req.Has("SourceIdentity") {
		v := req.Get("SourceIdentity")
		switch {
		case len(v) < 2 || len(v) > 64:
			return nil, query.InvalidMember(v, "sourceIdentity", "Member must have length between 2 and 64")
		case !sourceIdentityPattern.MatchString(v):
			return nil, query.InvalidMember(v, "sourceIdentity", `Member must satisfy regular expression pattern: [\w+=,.@-]*`)
		case caller.SourceIdentity != "" && v != caller.SourceIdentity:
			return nil, query.Errorf(http.StatusForbidden, "AccessDenied",
				"The calling session has the source identity %s, which cannot be changed in a role chain; pass the same value or none.", caller.SourceIdentity)
		}
		st.sourceIdentity = v
	}
	return st, nil
}

// setKeys puts the request's tag and source-identity condition keys into
// keys: aws:RequestTag/KEY and aws:TagKeys for every tag the session
// gets, sts:TransitiveTagKeys and sts:SourceIdentity.
func (st *sessionTags) setKeys(keys *policy.Context) {
	if len(st.tags) > 0 {
		names := make([]string, len(st.tags))
		for i, t := range st.tags {
			keys.Set("aws:RequestTag/"+t.Key, t.Value)
			names[i] = t.Key
		}
		keys.Set("aws:TagKeys", names...)
	}
	if len(st.transitive) > 0 {
		keys.Set("sts:TransitiveTagKeys", st.transitive...)
	}
	if st.sourceIdentity != "" {
		keys.Set("sts:SourceIdentity", st.sourceIdentity)
	}
}

// permissions are the permission-only actions the session needs besides
// sts:AssumeRole: sts:TagSession to carry tags, sts:SetSourceIdentity to
// carry a source identity, even one inherited through a chain (note 33).
func (st *sessionTags) permissions() []string {
	var out []string
	if len(st.tags) > 0 {
		out = append(out, "sts:TagSession")
	}
	if st.sourceIdentity != "" {
		out = append(out, "sts:SetSourceIdentity")
	}
	return out
}

func invalidParameter(format string, args ...any) *query.Error {
	return query.Errorf(http.StatusBadRequest, "InvalidParameterValue", format, args...)
}

func containsFold(list []string, s string) bool {
	for _, v := range list {
		if strings.EqualFold(v, s) {
			return true
		}
	}
	return false
}
