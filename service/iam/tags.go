package iamapi

import (
	"context"
	"net/http"
	"strconv"
	"strings"

	"github.com/trustgate/trustgate"
	"github.com/trustgate/trustgate/protocol/query"
)

// MaxTags is IAM's quota of tags per user, role or policy.
const MaxTags = 50

type tagList struct {
	Member []trustgate.Tag `xml:"member"`
}

func tagsOf(tags []trustgate.Tag) *tagList {
	if len(tags) == 0 {
		return nil
	}
	return &tagList{Member: tags}
}

// tags reads Tags.member.N.Key / .Value; quota names IAM's quota in the
// error for too many (TagsPerUser, TagsPerRole, TagsPerPolicy).
func tags(c *Call, quota string) ([]trustgate.Tag, *query.Error) {
	var out []trustgate.Tag
	for i := 1; ; i++ {
		member := "tags." + strconv.Itoa(i) + ".member"
		key, value, present, err := c.Request.Tag("Tags.member."+strconv.Itoa(i), member)
		if err != nil {
			return nil, err
		}
		if !present {
			break
		}
		t := trustgate.Tag{Key: key, Value: value}
		if err := query.CheckLength(t.Key, member+".key", 1, 128); err != nil {
			return nil, err
		}
		if err := query.CheckLength(t.Value, member+".value", 0, 256); err != nil {
			return nil, err
		}
		if !trustgate.TagKeyPattern.MatchString(t.Key) {
			return nil, query.InvalidMember(t.Key, member+".key", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]+`)
		}
		if !trustgate.TagValuePattern.MatchString(t.Value) {
			return nil, query.InvalidMember(t.Value, member+".value", `Member must satisfy regular expression pattern: [\p{L}\p{Z}\p{N}_.:/=+\-@]*`)
		}
		for _, seen := range out {
			if strings.EqualFold(seen.Key, t.Key) {
				return nil, query.Errorf(http.StatusBadRequest, "InvalidInput", "Duplicate tag keys found. Please note that Tag keys are case insensitive.")
			}
		}
		out = append(out, t)
	}
	if len(out) > MaxTags {
		return nil, query.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for %s: %d", quota, MaxTags)
	}
	return out, nil
}

// mergeTags adds tags to existing ones, a new tag replacing the one whose
// key differs at most in case: IAM tag keys are case-insensitive. The
// result is a new slice.
func mergeTags(existing, added []trustgate.Tag, quota string) ([]trustgate.Tag, *query.Error) {
	merged := append([]trustgate.Tag(nil), existing...)
	for _, t := range added {
		replaced := false
		for i := range merged {
			if strings.EqualFold(merged[i].Key, t.Key) {
				merged[i], replaced = t, true
			}
		}
		if !replaced {
			merged = append(merged, t)
		}
	}
	if len(merged) > MaxTags {
		return nil, query.Errorf(http.StatusConflict, "LimitExceeded", "Cannot exceed quota for %s: %d", quota, MaxTags)
	}
	return merged, nil
}

// withoutTags returns the tags whose keys are not among keys, as a new
// slice.
func withoutTags(tags []trustgate.Tag, keys []string) []trustgate.Tag {
	var kept []trustgate.Tag
	for _, t := range tags {
		drop := false
		for _, k := range keys {
			drop = drop || strings.EqualFold(k, t.Key)
		}
		if !drop {
			kept = append(kept, t)
		}
	}
	return kept
}

// tagPage answers a List...Tags action with one page of tags.
func tagPage(c *Call, tags []trustgate.Tag) (any, *query.Error) {
	items, pg, err := paginate(c, tags)
	if err != nil {
		return nil, err
	}
	out := struct {
		Tags struct {
			Member []trustgate.Tag `xml:"member"`
		}
		page
	}{page: pg}
	out.Tags.Member = items
	return out, nil
}

// setRequestTags makes the tags a request adds its aws:RequestTag/* and
// aws:TagKeys.
func setRequestTags(c *Call, tags []trustgate.Tag) {
	if len(tags) == 0 {
		return
	}
	var keys []string
	for _, t := range tags {
		c.setKey("aws:RequestTag/"+t.Key, t.Value)
		keys = append(keys, t.Key)
	}
	c.setKey("aws:TagKeys", keys...)
}

// authorizeCreate authorizes the creation of resource, and, when the
// request tags it, the tagging too (the action tagAction), as IAM
// requires; both with the tags as aws:RequestTag/* and aws:TagKeys.
func (s *Service) authorizeCreate(ctx context.Context, c *Call, action, tagAction, resource string, tags []trustgate.Tag) *query.Error {
	setRequestTags(c, tags)
	if err := s.authorize(ctx, c, action, resource); err != nil {
		return err
	}
	if len(tags) > 0 {
		return s.authorize(ctx, c, tagAction, resource)
	}
	return nil
}
