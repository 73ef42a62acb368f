/** Which renderer draws each view for each kind of file. */
import type { Payload, ViewId } from '../../shared/protocol';
import { renderChain } from './chain';
import type { ViewRenderer } from './common';
import { renderGradient } from './gradient';
import { renderJacobian } from './jacobian';
import { renderLosses } from './losses';
import { renderMatrix } from './matrix';
import { renderNetwork } from './network';
import { renderNetworkChain } from './networkChain';
import { renderOwn } from './own';
import { renderFiniteDifferences } from './finite';

export function rendererFor(view: ViewId, payload: Payload): ViewRenderer {
  switch (view) {
    case 'jacobian':
      return renderJacobian;
    case 'gradient':
      return renderGradient;
    case 'matrix':
      return renderMatrix;
    case 'losses':
      return renderLosses;
    case 'chain':
      return payload.task === 'network' ? renderNetworkChain : renderChain;
    case 'network':
      return renderNetwork;
    case 'own':
      return renderOwn;
    case 'finite':
      return renderFiniteDifferences;
  }
}
