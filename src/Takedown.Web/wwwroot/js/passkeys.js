// Passkeys (WebAuthn) for the second-factor step and for registering one. The server puts the ceremony's
// options on the form (data-options, WebAuthn JSON with base64url bytes); this script asks the browser for the
// credential and posts it back in the form's hidden field. No inline script: loaded from 'self'.
(function () {
    "use strict";

    function toBytes(b64url) {
        var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
        while (b64.length % 4) b64 += "=";
        var bin = atob(b64);
        var out = new Uint8Array(bin.length);
        for (var i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
        return out.buffer;
    }

    function toBase64Url(buffer) {
        var bytes = new Uint8Array(buffer);
        var bin = "";
        for (var i = 0; i < bytes.length; i++) bin += String.fromCharCode(bytes[i]);
        return btoa(bin).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
    }

    function descriptors(list) {
        return (list || []).map(function (d) { return { type: d.type, id: toBytes(d.id), transports: d.transports }; });
    }

    function creationOptions(o) {
        return {
            rp: o.rp,
            user: { id: toBytes(o.user.id), name: o.user.name, displayName: o.user.displayName },
            challenge: toBytes(o.challenge),
            pubKeyCredParams: o.pubKeyCredParams,
            timeout: o.timeout,
            attestation: o.attestation,
            authenticatorSelection: o.authenticatorSelection,
            excludeCredentials: descriptors(o.excludeCredentials),
        };
    }

    function requestOptions(o) {
        return {
            challenge: toBytes(o.challenge),
            rpId: o.rpId,
            timeout: o.timeout,
            allowCredentials: descriptors(o.allowCredentials),
            userVerification: o.userVerification,
        };
    }

    function attestationJson(cred) {
        return JSON.stringify({
            id: cred.id,
            rawId: toBase64Url(cred.rawId),
            type: cred.type,
            response: {
                attestationObject: toBase64Url(cred.response.attestationObject),
                clientDataJSON: toBase64Url(cred.response.clientDataJSON),
                transports: cred.response.getTransports ? cred.response.getTransports() : [],
            },
            clientExtensionResults: cred.getClientExtensionResults(),
        });
    }

    function assertionJson(cred) {
        var r = cred.response;
        return JSON.stringify({
            id: cred.id,
            rawId: toBase64Url(cred.rawId),
            type: cred.type,
            response: {
                authenticatorData: toBase64Url(r.authenticatorData),
                signature: toBase64Url(r.signature),
                clientDataJSON: toBase64Url(r.clientDataJSON),
                userHandle: r.userHandle ? toBase64Url(r.userHandle) : null,
            },
            clientExtensionResults: cred.getClientExtensionResults(),
        });
    }

    document.querySelectorAll("form[data-passkey]").forEach(function (form) {
        var error = form.querySelector("[data-passkey-error]");
        if (!window.PublicKeyCredential) {
            form.querySelector("button[type=submit]").disabled = true;
            if (error) error.hidden = false;
            return;
        }
        form.addEventListener("submit", function (event) {
            event.preventDefault();
            if (error) error.hidden = true;
            var options = JSON.parse(form.dataset.options);
            var creating = form.dataset.passkey === "create";
            var asked = creating
                ? navigator.credentials.create({ publicKey: creationOptions(options) })
                : navigator.credentials.get({ publicKey: requestOptions(options) });
            asked.then(function (cred) {
                form.querySelector(creating ? "input[name=Credential]" : "input[name=Assertion]").value =
                    creating ? attestationJson(cred) : assertionJson(cred);
                form.submit();
            }).catch(function () {
                if (error) error.hidden = false;
            });
        });
    });
})();
