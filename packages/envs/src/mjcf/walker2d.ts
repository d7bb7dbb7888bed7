/**
 * Walker2d MJCF, authored for offrl from the physical parameters of Gymnasium's `walker2d_v5.xml`
 * and `walker2d.xml`: Hopper's torso and right leg plus an identical left leg, feet of radius 0.06
 * from (0,0,0.1) to (0.2,0,0.1), density-derived masses (total 23.68 kg), armature 0.01 and damping
 * 0.1 on the leg joints, gear 100, RK4 at 2 ms. Robot geoms have conaffinity 0 (no self-contact).
 *
 * The two files differ only in the right foot's friction: 0.9 in `walker2d.xml` (gym v2–v4, the
 * physics of D4RL's datasets) and 1.9 in `walker2d_v5.xml`. The left foot is 1.9 in both.
 */
function walker2dMjcf(rightFootFriction: number): string {
  return `<mujoco model="walker2d">
  <compiler angle="degree" inertiafromgeom="true"/>
  <size memory="256K"/>
  <option integrator="RK4" timestep="0.002"/>
  <default>
    <joint armature="0.01" damping="0.1" limited="true"/>
    <geom contype="1" conaffinity="0" condim="3" friction="0.7 0.1 0.1" solimp="0.9 0.95 0.001" solref="0.02 1"/>
    <motor ctrllimited="true" ctrlrange="-1 1"/>
  </default>
  <worldbody>
    <geom name="floor" type="plane" size="40 40 40" conaffinity="1" condim="3"/>
    <body name="torso" pos="0 0 1.25">
      <joint name="rootx" type="slide" axis="1 0 0" pos="0 0 0" limited="false" armature="0" damping="0"/>
      <joint name="rootz" type="slide" axis="0 0 1" pos="0 0 0" ref="1.25" limited="false" armature="0" damping="0"/>
      <joint name="rooty" type="hinge" axis="0 1 0" pos="0 0 0" limited="false" armature="0" damping="0"/>
      <geom name="torso_geom" type="capsule" fromto="0 0 0.2 0 0 -0.2" size="0.05" friction="0.9"/>
      <body name="thigh" pos="0 0 -0.2">
        <joint name="thigh_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-150 0"/>
        <geom name="thigh_geom" type="capsule" fromto="0 0 0 0 0 -0.45" size="0.05" friction="0.9"/>
        <body name="leg" pos="0 0 -0.45">
          <joint name="leg_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-150 0"/>
          <geom name="leg_geom" type="capsule" fromto="0 0 0 0 0 -0.5" size="0.04" friction="0.9"/>
          <body name="foot" pos="0 0 -0.5">
            <joint name="foot_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-45 45"/>
            <geom name="foot_geom" type="capsule" fromto="0 0 0 0.2 0 0" size="0.06" friction="${rightFootFriction}"/>
          </body>
        </body>
      </body>
      <body name="thigh_left" pos="0 0 -0.2">
        <joint name="thigh_left_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-150 0"/>
        <geom name="thigh_left_geom" type="capsule" fromto="0 0 0 0 0 -0.45" size="0.05" friction="0.9"/>
        <body name="leg_left" pos="0 0 -0.45">
          <joint name="leg_left_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-150 0"/>
          <geom name="leg_left_geom" type="capsule" fromto="0 0 0 0 0 -0.5" size="0.04" friction="0.9"/>
          <body name="foot_left" pos="0 0 -0.5">
            <joint name="foot_left_joint" type="hinge" axis="0 -1 0" pos="0 0 0" range="-45 45"/>
            <geom name="foot_left_geom" type="capsule" fromto="0 0 0 0.2 0 0" size="0.06" friction="1.9"/>
          </body>
        </body>
      </body>
    </body>
  </worldbody>
  <actuator>
    <motor name="thigh_motor" joint="thigh_joint" gear="100"/>
    <motor name="leg_motor" joint="leg_joint" gear="100"/>
    <motor name="foot_motor" joint="foot_joint" gear="100"/>
    <motor name="thigh_left_motor" joint="thigh_left_joint" gear="100"/>
    <motor name="leg_left_motor" joint="leg_left_joint" gear="100"/>
    <motor name="foot_left_motor" joint="foot_left_joint" gear="100"/>
  </actuator>
</mujoco>
`;
}

/** Walker2d as in Gymnasium v5 (`walker2d_v5.xml`): both feet have friction 1.9. */
export const walker2dV5Mjcf = walker2dMjcf(1.9);

/** Walker2d as in gym v2–v4 and D4RL (`walker2d.xml`): right foot friction 0.9, left 1.9. */
export const walker2dV4Mjcf = walker2dMjcf(0.9);
