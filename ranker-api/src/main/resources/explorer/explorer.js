'use strict';

// The document lists absolute servers (Vert.x's contract reader takes no relative URL). The host that served this
// page goes first, so "Try it out" calls it wherever the explorer is opened: a port-forward, an ingress, the demo.
const thisHostFirst = system => ({
  statePlugins: {
    spec: {
      wrapSelectors: {
        servers: original => (...args) => {
          const listed = original(...args);
          const here = window.location.origin;
          if (!listed || listed.some(server => server.get('url') === here)) {
            return listed;
          }
          return listed.unshift(system.Im.fromJS({url: here, description: 'the host that served this page'}));
        },
      },
    },
  },
});

window.ui = SwaggerUIBundle({
  url: '/openapi.yaml',
  dom_id: '#explorer',
  deepLinking: true,
  presets: [SwaggerUIBundle.presets.apis],
  plugins: [thisHostFirst],
  layout: 'BaseLayout',
  // Swagger UI would otherwise send the document to its public validator
  validatorUrl: null,
});
