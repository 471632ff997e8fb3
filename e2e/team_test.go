package e2e

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"

	"github.com/chatalott/chatalott/sqlstore/sqlstoretest"
)

// The people and records of the team flow. The owner is the account that
// signUp registers.
const (
	teamName       = "Fjord Sales"
	ownerName      = "Ada Lovelace"
	memberName     = "Bob Berg"
	memberEmail    = "bob@example.com"
	memberPassword = "fjord sales member password"
	// The contact that the member adds to the team.
	teamContactGiven        = "Ingrid"
	teamContactFamily       = "Haugen"
	teamContact             = teamContactGiven + " " + teamContactFamily
	teamContactOrganization = "Nordlys AS"
	teamContactEmail        = "ingrid@example.com"
)

// TestBrowserTeamInviteAndShare runs a small sales team through two
// browser contexts that share no cookies. The owner creates a team and
// invites a member by email. The member signs up from the invite, joins,
// and adds a contact that the owner then finds. The member's pipeline page
// has no forms that change the stages. A form left open in one tab while
// another tab switches workspace saves nothing. Last, the owner removes the
// member, who loses the team's data.
func TestBrowserTeamInviteAndShare(t *testing.T) {
	for _, dialect := range sqlstoretest.Dialects {
		t.Run(dialect, func(t *testing.T) {
			t.Parallel()
			requireChromium(t)
			ctx, cancel := context.WithTimeout(context.Background(), 2*flowTimeout)
			t.Cleanup(cancel)
			srv := startServer(t, dialect)
			base := srv.URL
			owner := startBrowser(t, ctx, srv.Certificate())
			member := startBrowserContext(t, owner)

			signUp(t, owner, base)
			createTeamAndInvite(t, owner)
			joinTeamBySignUp(t, member, base)

			contactPath := addTeamContact(t, member)
			findTeamContact(t, owner, contactPath)
			checkPipelineForms(t, member, owner)

			checkFormFromOtherWorkspace(t, owner, base)
			removeMember(t, owner)
			checkRemovedMember(t, member, base, contactPath)
		})
	}
}

// startBrowserContext opens a tab in a new browser context of browser's
// Chromium. The new context shares no cookies or storage with the others,
// so it acts as a second user on another computer.
func startBrowserContext(t *testing.T, browser context.Context) context.Context {
	t.Helper()
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	t.Cleanup(cancel)
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("open a new browser context: %v", err)
	}
	return ctx
}

// createTeamAndInvite creates the team from the team page, which makes it
// the owner's current workspace, and invites the member through the
// invite form.
func createTeamAndInvite(t *testing.T, owner context.Context) {
	t.Helper()
	clickAndLoad(t, owner, "open the team page", `header nav a[href="/team"]`)
	if got, want := text(t, owner, "main h1"), "Teams"; got != want {
		t.Fatalf("heading of the team page in the personal workspace: got %q, want %q", got, want)
	}
	do(t, owner, "type the team name", chromedp.SendKeys(chromedp.CSS("#new-team"), teamName))
	clickAndLoad(t, owner, "create the team", `form[action="/teams"] button[type="submit"]`)
	if got, want := pagePath(t, owner), "/team"; got != want {
		t.Fatalf("page after creating the team: got path %q, want %q", got, want)
	}
	if got, want := text(t, owner, "main .notice"), "Team created. You are now working in it."; got != want {
		t.Errorf("notice after creating the team: got %q, want %q", got, want)
	}
	if got, want := text(t, owner, "main h1"), "Team: "+teamName; got != want {
		t.Fatalf("heading of the new team's page: got %q, want %q", got, want)
	}
	if got, want := currentWorkspace(t, owner), teamName; got != want {
		t.Fatalf("workspace in the owner's switcher: got %q, want %q", got, want)
	}

	do(t, owner, "fill the invite form",
		chromedp.SendKeys(chromedp.CSS("#invite-email"), memberEmail),
		chromedp.SetValue(chromedp.CSS("#invite-role"), "member"),
	)
	clickAndLoad(t, owner, "send the invite", `form[action="/team/invites"] button[type="submit"]`)
	if got, want := text(t, owner, "main .notice"), "Invite sent."; got != want {
		t.Fatalf("notice after inviting: got %q, want %q", got, want)
	}
	items := evaluate[[]string](t, owner, `Array.from(document.querySelectorAll('main li'), li => li.textContent.replace(/\s+/g, ' ').trim())`)
	pending := memberEmail + " (member), expires"
	if !slices.ContainsFunc(items, func(s string) bool { return strings.HasPrefix(s, pending) }) {
		t.Errorf("list items on the team page: got %q, want one starting with %q", items, pending)
	}
}

// joinTeamBySignUp opens the emailed invite link in a browser without an
// account, signs up from the invite page, confirms the address, logs in
// and accepts the invite.
func joinTeamBySignUp(t *testing.T, member context.Context, base string) {
	t.Helper()
	link := newestLink(t, base, "/invites/accept")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatalf("parse the invite link %q: %v", link, err)
	}
	token := u.Query().Get("token")
	if token == "" {
		t.Fatalf("invite link %q: got no token, want one", link)
	}

	do(t, member, "open the invite link", chromedp.Navigate(link))
	checkInvitePage(t, member, token)
	clickAndLoad(t, member, "open sign-up from the invite page", `main a[href="/signup"]`)
	if got, want := text(t, member, "main h1"), "Create your account"; got != want {
		t.Fatalf("heading after following the sign-up link: got %q, want %q", got, want)
	}
	do(t, member, "fill the sign-up form",
		chromedp.SendKeys(chromedp.CSS("#name"), memberName),
		chromedp.SendKeys(chromedp.CSS("#email"), memberEmail),
		chromedp.SendKeys(chromedp.CSS("#password"), memberPassword),
	)
	clickAndLoad(t, member, "submit the sign-up form", `form[action="/signup"] button[type="submit"]`)
	if got, want := text(t, member, "main h1"), "Check your email"; got != want {
		t.Fatalf("heading after the member's sign-up: got %q, want %q", got, want)
	}

	do(t, member, "open the emailed confirmation link", chromedp.Navigate(newestLink(t, base, "/verify-email")))
	clickAndLoad(t, member, "confirm the member's address", `form[action="/verify-email"] button[type="submit"]`)
	if pagePath(t, member) == "/login" {
		if got, want := text(t, member, "main .notice"), "Your email address is confirmed."; got != want {
			t.Errorf("notice after confirming the member's address: got %q, want %q", got, want)
		}
		do(t, member, "fill the log-in form",
			chromedp.SendKeys(chromedp.CSS("#email"), memberEmail),
			chromedp.SendKeys(chromedp.CSS("#password"), memberPassword),
		)
		clickAndLoad(t, member, "log in as the member", `form[action="/login"] button[type="submit"]`)
	}
	checkInvitePage(t, member, token)

	clickAndLoad(t, member, "accept the invite", `form[action="/invites/accept"] button[type="submit"]`)
	if got, want := pagePath(t, member), "/team"; got != want {
		t.Fatalf("page after accepting: got path %q, want %q", got, want)
	}
	if got, want := text(t, member, "main .notice"), "Welcome to the team."; got != want {
		t.Errorf("notice after accepting: got %q, want %q", got, want)
	}
	if got, want := text(t, member, "main h1"), "Team: "+teamName; got != want {
		t.Errorf("heading after accepting: got %q, want %q", got, want)
	}
	if got, want := text(t, member, "main h1 + p"), "Your role: member"; got != want {
		t.Errorf("role after accepting: got %q, want %q", got, want)
	}
	if got, want := currentWorkspace(t, member), teamName; got != want {
		t.Fatalf("workspace in the member's switcher: got %q, want %q", got, want)
	}
}

// checkInvitePage checks that the browser shows the invite page with the
// team and the inviter, and that neither its address nor its HTML
// contains the invite token.
func checkInvitePage(t *testing.T, browser context.Context, token string) {
	t.Helper()
	location, err := chromedp.Run(browser, chromedp.Location())
	if err != nil {
		t.Fatalf("read the page location: %v", err)
	}
	if got, want := pagePath(t, browser), "/invites/accept"; got != want {
		t.Fatalf("invite page: got path %q, want %q", got, want)
	}
	if strings.Contains(location, token) {
		t.Errorf("address of the invite page: got %q, want no invite token", location)
	}
	if got, want := text(t, browser, "main h1"), "Join "+teamName; got != want {
		t.Errorf("heading of the invite page: got %q, want %q", got, want)
	}
	want := ownerName + " invited you to the team " + teamName + " on Chatalott."
	if got := text(t, browser, "main h1 + p"); got != want {
		t.Errorf("inviter on the invite page: got %q, want %q", got, want)
	}
	html := evaluate[string](t, browser, `document.documentElement.outerHTML`)
	if strings.Contains(html, token) {
		t.Errorf("HTML of the invite page: got the invite token in it, want no token")
	}
}

// addTeamContact creates a contact in the member's current workspace, the
// team, and returns the path of its page.
func addTeamContact(t *testing.T, member context.Context) string {
	t.Helper()
	clickAndLoad(t, member, "open the team's contact list", `header nav a[href="/contacts"]`)
	clickAndLoad(t, member, `open "New contact"`, `.bar a[href="/contacts/new"]`)
	do(t, member, "fill the contact form",
		chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="given"]`), teamContactGiven),
		chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="family"]`), teamContactFamily),
		chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="organization"]`), teamContactOrganization),
		chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="email"]`), teamContactEmail),
	)
	clickAndLoad(t, member, "save the team contact", `form.contact-form button[type="submit"]`)
	path := pagePath(t, member)
	if !strings.HasPrefix(path, "/contacts/") || path == "/contacts/new" {
		t.Fatalf("page after saving the team contact: got path %q, want the contact's page", path)
	}
	if got := text(t, member, "main h1"); got != teamContact {
		t.Fatalf("heading of the team contact's page: got %q, want %q", got, teamContact)
	}
	return path
}

// findTeamContact checks that the owner, working in the team, finds the
// member's contact in the contact list, in the list's search and in the
// workspace search.
func findTeamContact(t *testing.T, owner context.Context, contactPath string) {
	t.Helper()
	clickAndLoad(t, owner, "open the owner's contact list", `header nav a[href="/contacts"]`)
	if got, want := currentWorkspace(t, owner), teamName; got != want {
		t.Fatalf("workspace in the owner's switcher: got %q, want %q", got, want)
	}
	want := [][]string{{teamContact, teamContactOrganization, teamContactEmail, ""}}
	if rows := contactRows(t, owner); !slices.EqualFunc(rows, want, slices.Equal) {
		t.Fatalf("rows of the owner's contact list: got %q, want %q", rows, want)
	}

	do(t, owner, "type the contact search", chromedp.SendKeys(chromedp.CSS("#q"), "haugen"))
	clickAndLoad(t, owner, "submit the contact search", `form[role="search"] button[type="submit"]`)
	if rows := contactRows(t, owner); !slices.EqualFunc(rows, want, slices.Equal) {
		t.Errorf(`rows for the contact search "haugen": got %q, want %q`, rows, want)
	}

	clickAndLoad(t, owner, "open the workspace search", `header nav a[href="/search"]`)
	do(t, owner, "type the workspace search", chromedp.SendKeys(chromedp.CSS("#search-q"), "ingrid"))
	clickAndLoad(t, owner, "submit the workspace search", `main form[role="search"] button[type="submit"]`)
	links := evaluate[[]string](t, owner, `Array.from(document.querySelectorAll('.search-results a'), a => a.getAttribute('href'))`)
	if !slices.Contains(links, contactPath) {
		t.Fatalf(`links for the workspace search "ingrid": got %q, want %q among them`, links, contactPath)
	}
	clickAndLoad(t, owner, "open the found contact", `.search-results a[href="`+contactPath+`"]`)
	if got := text(t, owner, "main h1"); got != teamContact {
		t.Errorf("heading of the found contact's page: got %q, want %q", got, teamContact)
	}
}

// contactRows returns the cells of each row of the contact list: name,
// organization, first email and first phone.
func contactRows(t *testing.T, browser context.Context) [][]string {
	t.Helper()
	return evaluate[[][]string](t, browser,
		`Array.from(document.querySelectorAll('table.list tbody tr'), tr => Array.from(tr.cells, td => td.textContent.trim()))`)
}

// checkPipelineForms checks that /pipeline shows the team's stages to the
// member without a form or link that changes them, and shows those forms
// to the owner.
func checkPipelineForms(t *testing.T, member, owner context.Context) {
	t.Helper()
	const managing = `document.querySelectorAll('main form[action^="/pipeline/stages"], main a[href^="/pipeline/stages"]').length`
	openPipeline := func(browser context.Context, who string) {
		t.Helper()
		clickAndLoad(t, browser, "open the deals as the "+who, `header nav a[href="/deals"]`)
		clickAndLoad(t, browser, "open the pipeline as the "+who, `main a[href="/pipeline"]`)
		if got, want := text(t, browser, "main h1"), "Pipeline stages"; got != want {
			t.Fatalf("heading of the %s's pipeline page: got %q, want %q", who, got, want)
		}
	}

	openPipeline(member, "member")
	if got := evaluate[int](t, member, managing); got != 0 {
		t.Errorf("stage forms and links for the member: got %d, want 0", got)
	}
	if got := evaluate[int](t, member, `document.querySelectorAll('table.stages tbody tr').length`); got == 0 {
		t.Errorf("stages listed for the member: got 0, want the team's stages")
	}
	if got, want := text(t, member, "main p.hint"), "Only owners and admins of this team can change the stages."; got != want {
		t.Errorf("hint for the member: got %q, want %q", got, want)
	}

	// The owner's page has the forms, so the count above is 0 because of
	// the member's role and not because the selector matches nothing.
	openPipeline(owner, "owner")
	if got := evaluate[int](t, owner, managing); got == 0 {
		t.Errorf("stage forms and links for the owner: got 0, want some")
	}
}

// checkFormFromOtherWorkspace opens the new-contact form in the team, then
// switches the owner's session to the personal workspace in a second tab,
// and submits the first tab's form. The server must reject it with 409 and
// save the contact in neither workspace. The owner ends in the team.
func checkFormFromOtherWorkspace(t *testing.T, owner context.Context, base string) {
	t.Helper()
	clickAndLoad(t, owner, "open the contact list", `header nav a[href="/contacts"]`)
	clickAndLoad(t, owner, `open "New contact" in the team`, `.bar a[href="/contacts/new"]`)
	if got, want := currentWorkspace(t, owner), teamName; got != want {
		t.Fatalf("workspace of the new-contact form: got %q, want %q", got, want)
	}
	do(t, owner, "fill the contact form in the first tab",
		chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="given"]`), "Pernille"),
		chromedp.SendKeys(chromedp.CSS(`form.contact-form input[name="family"]`), "Dahl"),
	)

	// A tab opened from owner's context is a new target in the same
	// browser context, so it sends the same session cookie.
	tab, closeTab := chromedp.NewContext(owner)
	defer closeTab()
	do(t, tab, "open the dashboard in a second tab", chromedp.Navigate(base+"/dashboard"))
	switchWorkspace(t, tab, "Personal")

	resp, err := chromedp.RunResponse(owner, chromedp.Click(chromedp.CSS(`form.contact-form button[type="submit"]`)))
	if err != nil {
		t.Fatalf("submit the first tab's contact form: %v", err)
	}
	if got, want := resp.Status, int64(http.StatusConflict); got != want {
		t.Errorf("status of the first tab's contact form: got %d, want %d", got, want)
	}
	message := text(t, owner, "main h1 + p")
	for _, want := range []string{"This form belongs to “" + teamName + "”", "Nothing was saved."} {
		if !strings.Contains(message, want) {
			t.Errorf("message for the first tab's contact form: got %q, want it to contain %q", message, want)
		}
	}

	clickAndLoad(t, owner, "open the personal contact list", `header nav a[href="/contacts"]`)
	if got, want := currentWorkspace(t, owner), "Personal"; got != want {
		t.Fatalf("workspace after the switch in the second tab: got %q, want %q", got, want)
	}
	if rows := contactRows(t, owner); len(rows) != 0 {
		t.Errorf("rows of the personal contact list: got %q, want none", rows)
	}
	switchWorkspace(t, owner, teamName)
	clickAndLoad(t, owner, "open the team's contact list", `header nav a[href="/contacts"]`)
	names := evaluate[[]string](t, owner, `Array.from(document.querySelectorAll('table.list tbody tr'), tr => tr.cells[0].textContent.trim())`)
	if want := []string{teamContact}; !slices.Equal(names, want) {
		t.Errorf("names in the team's contact list: got %q, want %q", names, want)
	}
}

// removeMember removes the member on the team page, accepting any
// confirmation dialog that the Remove button opens.
func removeMember(t *testing.T, owner context.Context) {
	t.Helper()
	acceptDialogs(t, owner)
	clickAndLoad(t, owner, "open the team page", `header nav a[href="/team"]`)
	findRemove := fmt.Sprintf(`(() => {
		const row = Array.from(document.querySelectorAll('main table tbody tr')).find(tr => tr.cells[1].textContent.trim() === %q);
		const form = row && row.querySelector('form[action$="/remove"]');
		return form ? form.getAttribute('action') : '';
	})()`, memberEmail)
	action := evaluate[string](t, owner, findRemove)
	if action == "" {
		t.Fatalf("team page: got no Remove form in the row of %s, want one", memberEmail)
	}
	clickAndLoad(t, owner, "remove the member", `form[action="`+action+`"] button[type="submit"]`)

	if got, want := text(t, owner, "main .notice"), "Member removed."; got != want {
		t.Errorf("notice after removing the member: got %q, want %q", got, want)
	}
	emails := evaluate[[]string](t, owner, `Array.from(document.querySelectorAll('main table tbody tr'), tr => tr.cells[1].textContent.trim())`)
	if slices.Contains(emails, memberEmail) {
		t.Errorf("members after the removal: got %q, want no %s", emails, memberEmail)
	}
	activity := evaluate[[]string](t, owner, `Array.from(document.querySelectorAll('ul.activity li'), li => li.textContent.replace(/\s+/g, ' ').trim())`)
	removed := ownerName + " removed " + memberName + " (" + memberEmail + ") from the team."
	if !slices.ContainsFunc(activity, func(s string) bool { return strings.HasSuffix(s, removed) }) {
		t.Errorf("team activity: got %q, want an entry ending in %q", activity, removed)
	}
}

// acceptDialogs accepts every JavaScript dialog that opens in browser's tab
// until the test ends, and logs its message. An accepted confirm dialog
// lets the form submit, as the user's OK would.
func acceptDialogs(t *testing.T, browser context.Context) {
	t.Helper()
	ctx, stop := context.WithCancel(browser)
	dialogs := chromedp.Events(ctx, page.JavascriptDialogOpening)
	var wg sync.WaitGroup
	wg.Go(func() {
		for ev, err := range dialogs {
			if err != nil {
				return
			}
			t.Logf("accepting the %s dialog %q", ev.Type, ev.Message)
			params := page.HandleJavaScriptDialogParams{Accept: true}
			if _, err := chromedp.Call(ctx, page.HandleJavaScriptDialog, params); err != nil && ctx.Err() == nil {
				t.Errorf("accept the dialog %q: %v", ev.Message, err)
			}
		}
	})
	t.Cleanup(func() {
		stop()
		wg.Wait()
	})
}

// checkRemovedMember checks that the removed member's next page, the
// contact list of the personal workspace, explains the loss, and that the
// team's contact is gone from the member's list and pages.
func checkRemovedMember(t *testing.T, member context.Context, base, contactPath string) {
	t.Helper()
	clickAndLoad(t, member, "open the contacts after the removal", `header nav a[href="/contacts"]`)
	if got, want := pagePath(t, member), "/contacts"; got != want {
		t.Fatalf("page after the removal: got path %q, want %q", got, want)
	}
	want := "You no longer have access to the team you were working in, so you are back in your personal workspace."
	if got := text(t, member, "main .notice"); got != want {
		t.Errorf("notice after the removal: got %q, want %q", got, want)
	}
	if got := evaluate[bool](t, member, `document.querySelector('#workspace-switch') === null`); !got {
		t.Errorf("workspace switcher after the removal: got one, want none for a single workspace")
	}

	clickAndLoad(t, member, "open the member's contact list", `header nav a[href="/contacts"]`)
	if rows := contactRows(t, member); len(rows) != 0 {
		t.Errorf("rows of the removed member's contact list: got %q, want none", rows)
	}
	resp, err := chromedp.RunResponse(member, chromedp.Navigate(base+contactPath))
	if err != nil {
		t.Fatalf("open the team contact after the removal: %v", err)
	}
	if got, want := resp.Status, int64(http.StatusNotFound); got != want {
		t.Errorf("status of the team contact after the removal: got %d, want %d", got, want)
	}
}

// currentWorkspace returns the label of the workspace selected in the
// header switcher, or "" when the page has no switcher.
func currentWorkspace(t *testing.T, browser context.Context) string {
	t.Helper()
	return evaluate[string](t, browser,
		`(() => { const s = document.querySelector('#workspace-switch'); return s ? s.selectedOptions[0].textContent.trim() : ''; })()`)
}

// switchWorkspace chooses the workspace labelled label in the header
// switcher and checks that the browser lands on the dashboard in it.
func switchWorkspace(t *testing.T, browser context.Context, label string) {
	t.Helper()
	value := evaluate[string](t, browser, fmt.Sprintf(
		`(() => { const o = Array.from(document.querySelectorAll('#workspace-switch option')).find(o => o.textContent.trim() === %q); return o ? o.value : ''; })()`, label))
	if value == "" {
		t.Fatalf("workspace switcher: got no option %q", label)
	}
	do(t, browser, "choose the workspace "+label, chromedp.SetValue(chromedp.CSS("#workspace-switch"), value))
	clickAndLoad(t, browser, "switch to "+label, `header form[action="/workspaces/switch"] button[type="submit"]`)
	if got, want := pagePath(t, browser), "/dashboard"; got != want {
		t.Fatalf("page after switching to %s: got path %q, want %q", label, got, want)
	}
	if got := currentWorkspace(t, browser); got != label {
		t.Fatalf("workspace after switching: got %q, want %q", got, label)
	}
}
