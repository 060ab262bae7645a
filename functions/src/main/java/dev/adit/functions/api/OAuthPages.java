package dev.adit.functions.api;

import dev.adit.functions.auth.ScopeWords;
import dev.adit.functions.oauth.AuthorizationService;

/**
 * The HTML of the authorization pages: sign-in, consent, error. Every value from outside is
 * escaped; the pages load nothing (no scripts, inline style only) so the CSP can forbid it all.
 */
final class OAuthPages {
    private static final String STYLE = """
            body{font-family:system-ui,sans-serif;background:#f4f5f7;margin:0;display:flex;justify-content:center}
            main{background:#fff;margin-top:8vh;padding:2rem 2.5rem;border-radius:10px;box-shadow:0 2px 12px #0002;width:26rem}
            h1{font-size:1.3rem;margin-top:0}label{display:block;margin:.8rem 0 .3rem;font-weight:600}
            input[type=email],input[type=password],select{width:100%;padding:.5rem;box-sizing:border-box;font-size:1rem}
            button{margin-top:1.2rem;padding:.6rem 1.2rem;font-size:1rem;border-radius:6px;border:1px solid #888;cursor:pointer}
            button.primary{background:#1f6feb;color:#fff;border-color:#1f6feb}.error{color:#b00020}
            ul{padding-left:1.2rem}li{margin:.3rem 0}.muted{color:#666;font-size:.9rem}""";

    private OAuthPages() {
    }

    static String signIn(AuthorizationService.SignIn page) {
        String error = page.error().map(e -> "<p class=\"error\" role=\"alert\">" + esc(e) + "</p>").orElse("");
        return layout("Sign in to Adit", """
                <h1>Sign in to Adit</h1>
                <p><strong>%s</strong> wants to use your Adit account.</p>
                %s
                <form method="post" action="login">
                <input type="hidden" name="request_id" value="%s">
                <input type="hidden" name="csrf_token" value="%s">
                <label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required autofocus>
                <label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
                <button class="primary" type="submit" id="sign-in">Sign in</button>
                </form>""".formatted(esc(page.clientName()), error, esc(page.requestId()), esc(page.csrfToken())));
    }

    static String consent(AuthorizationService.Consent page) {
        StringBuilder scopes = new StringBuilder();
        page.scopes().forEach(s -> scopes.append("<li>").append(esc(ScopeWords.of(s)))
                .append(" <span class=\"muted\">(").append(esc(s)).append(")</span></li>"));
        StringBuilder orgs = new StringBuilder();
        page.organizations().forEach(m -> orgs.append("<option value=\"").append(esc(m.organizationId())).append("\">")
                .append(esc(m.organizationName())).append(" (").append(esc(m.role().wireName())).append(")</option>"));
        return layout("Authorize " + page.clientName(), """
                <h1>Authorize %s</h1>
                <p class="muted">Signed in as %s</p>
                <form method="post" action="consent">
                <input type="hidden" name="request_id" value="%s">
                <input type="hidden" name="csrf_token" value="%s">
                <label for="organization_id">Act in the organization</label>
                <select id="organization_id" name="organization_id">%s</select>
                <p><strong>%s</strong> will be able to:</p>
                <ul>%s</ul>
                <button class="primary" type="submit" name="decision" value="approve" id="approve">Approve</button>
                <button type="submit" name="decision" value="deny" id="deny">Deny</button>
                </form>""".formatted(esc(page.clientName()), esc(page.userEmail()), esc(page.requestId()), esc(page.csrfToken()),
                orgs, esc(page.clientName()), scopes));
    }

    static String refused(AuthorizationService.Refused page) {
        return layout(page.title(), "<h1>" + esc(page.title()) + "</h1><p class=\"error\" id=\"error\">" + esc(page.message()) + "</p>");
    }

    private static String layout(String title, String body) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">"
                + "<meta name=\"referrer\" content=\"same-origin\"><title>" + esc(title) + "</title><style>" + STYLE + "</style></head>"
                + "<body><main>" + body + "</main></body></html>";
    }

    static String esc(String s) {
        StringBuilder out = new StringBuilder(s.length() + 16);
        for (char c : s.toCharArray()) {
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
