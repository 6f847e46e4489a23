// The conformance guest in JavaScript (componentize-qjs, sync runtime): passes the request
// on with `x-echo-trail: js` appended, and appends `x-echo: js` to the response, as
// middleware/echo does in pass mode.
export const config = {
  configure(settings) {
    if (settings.length) throw 'pass.js takes no settings';
  },
};
export const requestHandler = {
  onRequest(req) {
    req.headers.push(['x-echo-trail', 'js']);
    return { tag: 'next', val: req };
  },
};
export const responseHandler = {
  onResponse(req, resp) {
    resp.headers.push(['x-echo', 'js']);
    return resp;
  },
};
