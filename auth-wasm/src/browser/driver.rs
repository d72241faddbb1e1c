//! The one driver: performs the steps of the protocol core's flows (see [`crate::protocol::flow`]) with
//! the browser's fetch, WebCrypto and the provider cache, and feeds the answers back. Every flow runs
//! through this one loop, so the async code is one loop's, not one per flow.

use super::{http, now_secs, signature, AuthClient, AuthError};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use crate::protocol::flow::{Flow, Grant, Input, MetadataFlow, Step, TokenFlow};
use crate::protocol::{ProviderMetadata, TokenSet};

impl AuthClient {
    /// Trades `grant` for checked tokens (see [`TokenFlow`]). Nothing is stored here.
    pub(crate) async fn tokens(&self, grant: Grant<'_>) -> Result<TokenSet, AuthError> {
        let mut flow = TokenFlow::new(self.config(), grant);
        self.drive(&mut flow).await?;
        Ok(flow.into_token_set().expect("a flow is done when the driver returns"))
    }

    /// The provider's metadata: from memory, storage (fresh for a day) or discovery.
    pub async fn metadata(&self) -> Result<Rc<ProviderMetadata>, AuthError> {
        let mut flow = MetadataFlow::new(&self.config().authority);
        self.drive(&mut flow).await?;
        Ok(flow.into_metadata().expect("a flow is done when the driver returns"))
    }

    /// Runs `flow` until it is done; its result is then in the flow. The first error stops it. (One
    /// boxed future, so that its code is there once whichever flows call it.)
    pub(crate) fn drive<'a>(
        &'a self,
        flow: &'a mut dyn Flow,
    ) -> Pin<Box<dyn Future<Output = Result<(), AuthError>> + 'a>> {
        Box::pin(self.run(flow))
    }

    async fn run(&self, flow: &mut dyn Flow) -> Result<(), AuthError> {
        let mut input = Input::Start;
        loop {
            input = match flow.next(input, now_secs())? {
                Step::Get { document, url, refetch } => {
                    match if refetch { None } else { self.provider().cached(document) } {
                        Some(cached) => Input::Cached(cached),
                        None => Input::Response(http::get(&url).await?),
                    }
                }
                Step::Keep(fetched) => {
                    self.provider().keep(fetched);
                    Input::Kept
                }
                Step::PostForm { url, body } => Input::Response(http::post_form(&url, body).await?),
                Step::VerifySignature(check) => {
                    Input::Signature(signature::verify_with_jwk(&check.jwt, check.key).await?)
                }
                Step::Done => return Ok(()),
            };
        }
    }
}
